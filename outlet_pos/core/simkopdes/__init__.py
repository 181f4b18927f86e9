"""SIMKOPDES export: the cooperative's data as one CSV per table in the national layout.

``export.write_zip`` / ``export.write_directory`` write the bundle, ``export.table_csv`` one
table, ``export.row_counts`` what the treasurer's page shows. The layout comes from the
dictionary in ``outlet_pos/data/simkopdes_columns.csv`` (see ``dictionary``); values, codes and
masking from ``formats``; each group of tables from its own module. Nothing here writes to the
database.
"""

"""Product search: the index (FTS5 trigram on SQLite, pg_trgm on PostgreSQL) finds what the
plain substring scan finds, and follows every write to the catalog."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory import catalog
from outlet_pos.core.inventory.catalog import UnitSpec, save_item, search_items
from outlet_pos.core.inventory.io import apply_import, export_csv, preview_import
from outlet_pos.core.inventory.models import Item, ItemBarcode, ItemUnit
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from tests.shop import build_shop

QUERIES = [
    "beras",
    "BERAS sphp",
    "ras sp",
    "myk",
    "MYK1",
    "goreng 1",
    "uht 200",
    "gula pasir curah",
    "8991001000035",
    "pasir",
    "l",
    "su",
    "5 kg",
    "tidak ada",
    "a%b",
    "gul_",
    'kacang "garuda"',
]


@pytest.fixture
def shop(ctx):
    return build_shop()


def _coop(shop) -> Cooperative:
    return db.session.get(Cooperative, shop.coop_id)


def _names(coop, q: str) -> list[str]:
    return [i.name for i in search_items(coop, q)]


def _add(coop, sku: str, name: str, barcode: str | None = None) -> int:
    unit = db.session.scalar(
        select(BusinessUnit).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "sembako"
        )
    )
    spec = UnitSpec("pcs", Decimal(1), 1_000, 1_100, [barcode] if barcode else [])
    return run_transaction(
        lambda: save_item(coop, unit=unit, sku=sku, name=name, base_uom="pcs", units=[spec]).id
    )


def _fts_consistent() -> None:
    """SQLite: FTS5's own check that the index holds exactly the rows of ``item``."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            text(f"INSERT INTO {catalog.SEARCH_TABLE}({catalog.SEARCH_TABLE}) "
                 "VALUES ('integrity-check')")
        )  # fmt: skip


def test_finds_a_part_of_a_name_or_sku_in_any_case_and_a_whole_barcode(shop):
    coop = _coop(shop)
    assert _names(coop, "RAS sph") == ["Beras SPHP 5 kg"]
    assert _names(coop, "myk") == ["Minyak goreng 1 L"]  # by SKU
    assert _names(coop, "8991001000035") == ["Minyak goreng 1 L"]  # the carton's barcode
    assert _names(coop, "899100100003") == []  # a barcode is matched whole
    assert _names(coop, "u") == ["Gula pasir curah", "Susu UHT 200 ml"]  # short: a scan
    other = build_shop(name="Koperasi Lain")
    assert _names(_coop(other), "beras") == ["Beras SPHP 5 kg"]
    assert [i.cooperative_id for i in search_items(_coop(other), "beras")] == [other.coop_id]


def test_the_index_finds_exactly_what_the_substring_scan_finds(shop, monkeypatch):
    coop = _coop(shop)
    _add(coop, "KCG-1", 'Kacang "Garuda" 100 g', "8990000000017")
    _add(coop, "A%B", "Sabun a%b batang")
    _add(coop, "GUL_1", "Gula merah")
    indexed = {q: _names(coop, q) for q in QUERIES}
    # The meaning, in Python: a part of the name or SKU in any case, or the whole barcode.
    items = db.session.scalars(select(Item).where(Item.cooperative_id == coop.id)).all()
    codes = {(b.item_id, b.code) for b in db.session.scalars(select(ItemBarcode))}
    for q in QUERIES:
        if "%" in q or "_" in q:
            continue  # LIKE wildcards: compared with the scan below, not with Python
        expected = {
            i.name
            for i in items
            if q.lower() in i.name.lower() or q.lower() in i.sku.lower() or (i.id, q) in codes
        }
        assert set(indexed[q]) == expected, q
    # Without the index (SQLite): the plain LIKE scan, the behaviour before the index.
    monkeypatch.setattr(catalog, "_has_fts", lambda: False)
    assert {q: _names(coop, q) for q in QUERIES} == indexed
    assert indexed["beras"] == ["Beras SPHP 5 kg"] and indexed["tidak ada"] == []
    assert indexed['kacang "garuda"'] == ['Kacang "Garuda" 100 g']
    assert indexed["a%b"] == ["Sabun a%b batang"]


def test_a_new_renamed_or_deactivated_item_is_searched_as_it_is_now(shop):
    coop = _coop(shop)
    new_id = _add(coop, "KPI-1", "Kopi bubuk Toraja 200 g")
    assert _names(coop, "toraja") == ["Kopi bubuk Toraja 200 g"]
    item = db.session.get(Item, new_id)
    unit = db.session.get(BusinessUnit, item.unit_id)
    spec = UnitSpec("pcs", Decimal(1), 1_000, 1_100)
    run_transaction(
        lambda: save_item(
            coop, unit=unit, sku="KPI-2", name="Kopi bubuk Kintamani 200 g", base_uom="pcs",
            units=[spec], item=item,
        )
    )  # fmt: skip
    assert _names(coop, "toraja") == [] and _names(coop, "KPI-1") == []
    assert _names(coop, "kintamani") == ["Kopi bubuk Kintamani 200 g"]
    assert _names(coop, "kpi-2") == ["Kopi bubuk Kintamani 200 g"]
    run_transaction(
        lambda: save_item(
            coop, unit=unit, sku="KPI-2", name="Kopi bubuk Kintamani 200 g", base_uom="pcs",
            units=[spec], item=item, active=False,
        )
    )  # fmt: skip
    assert _names(coop, "kintamani") == []
    _fts_consistent()


def test_imported_items_are_found_at_once_and_deleted_ones_are_gone(shop):
    coop = _coop(shop)
    # An import that renames: the old name is no longer found, the new one is.
    renamed = export_csv(coop).replace(b"Beras SPHP 5 kg", b"Beras Cianjur 5 kg")
    preview = preview_import(coop, renamed, "katalog.csv")
    assert preview.ok and preview.updates == 4, preview.row_errors
    run_transaction(apply_import, coop, preview, None)
    assert _names(coop, "cianjur") == ["Beras Cianjur 5 kg"] and _names(coop, "sphp") == []
    # An import that creates: found in the importing cooperative at once.
    other = build_shop(name="Koperasi Impor")
    for item in db.session.scalars(select(Item).where(Item.cooperative_id == other.coop_id)):
        item.sku, item.name = f"OLD-{item.sku}", f"Lama {item.name}"
    for bc in db.session.scalars(
        select(ItemBarcode).where(ItemBarcode.cooperative_id == other.coop_id)
    ):
        bc.code = f"OLD{bc.code}"
    db.session.commit()
    other_coop = _coop(other)
    preview = preview_import(other_coop, renamed, "katalog.csv")
    assert preview.ok and preview.creates == 4, preview.row_errors
    run_transaction(apply_import, other_coop, preview, None)
    assert _names(other_coop, "cianjur") == ["Beras Cianjur 5 kg"]
    assert _names(other_coop, "beras") == ["Beras Cianjur 5 kg", "Lama Beras SPHP 5 kg"]

    # A row removed behind the app's back (no stock, no sales) leaves the index as well.
    gone = _add(coop, "HPS-1", "Barang dihapus", "8990000000024")
    db.session.execute(delete(ItemBarcode).where(ItemBarcode.item_id == gone))
    db.session.execute(delete(ItemUnit).where(ItemUnit.item_id == gone))
    db.session.execute(delete(Item).where(Item.id == gone))
    db.session.commit()
    assert _names(coop, "dihapus") == []
    _fts_consistent()

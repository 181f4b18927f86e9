"""The SIMKOPDES column dictionary and relations, read from the two reference CSVs shipped in
``outlet_pos/data`` (copied unchanged from the published sample database's documentation).

The export takes its table names, column names and column order from here and nowhere else,
so a newer dictionary dropped into ``data/`` changes the layout without touching the code
(and a test fails loudly if one of our rows names a column the dictionary no longer has).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

COLUMNS_FILE = "simkopdes_columns.csv"
RELATIONS_FILE = "simkopdes_relations.csv"


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    type: str  # "text", "numeric", "date", "timestamp without time zone", ...
    nullable: bool
    description: str
    example: str


@dataclass(frozen=True)
class Relation:
    """A foreign key: ``table.column`` points at ``ref_table.ref_column``."""

    table: str
    column: str
    ref_table: str
    ref_column: str


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("outlet_pos.data").joinpath(name).read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def dictionary() -> dict[str, tuple[Column, ...]]:
    """Table -> its columns in the dictionary's order (the order of the CSV's ``No``)."""
    tables: dict[str, list[Column]] = {}
    rows = sorted(_read(COLUMNS_FILE), key=lambda r: int(r["No"]))
    for row in rows:
        kind, _, null = row["Type & Nullable"].partition("|")
        tables.setdefault(row["Table Name"], []).append(
            Column(
                table=row["Table Name"],
                name=row["Field Name"],
                type=kind.strip(),
                nullable=null.strip().upper() != "NOT NULL",
                description=row["Description"],
                example=row["Example Data"],
            )
        )
    return {table: tuple(cols) for table, cols in tables.items()}


def columns(table: str) -> list[str]:
    """The column names of one table, in order (KeyError for a table the dictionary lacks)."""
    return [c.name for c in dictionary()[table]]


@cache
def relations() -> tuple[Relation, ...]:
    return tuple(
        Relation(r["Table Name"], r["Field Name"], r["Referenced Table"], r["Referenced Field"])
        for r in _read(RELATIONS_FILE)
        if r["Key Type"] == "FOREIGN KEY"
    )

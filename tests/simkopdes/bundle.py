"""Reading a SIMKOPDES bundle back, and the reference dictionary read independently of the
code under test (so a mistake in ``core.simkopdes.dictionary`` cannot hide itself)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import outlet_pos

DATA = Path(outlet_pos.__file__).parent / "data"


@dataclass
class Csv:
    header: list[str]
    rows: list[dict[str, str]]

    def column(self, name: str) -> list[str]:
        return [r[name] for r in self.rows]

    def where(self, **match: str) -> list[dict[str, str]]:
        return [r for r in self.rows if all(r[k] == v for k, v in match.items())]


def parse_csv(text: str) -> Csv:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    return Csv(header, [dict(zip(header, r, strict=True)) for r in rows[1:]])


def read_zip(data: bytes) -> tuple[dict[str, Csv], dict[str, str], str]:
    """{table: Csv}, {file name: raw text}, and the manifest's text."""
    texts: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        for info in zf.infolist():
            texts[info.filename] = zf.read(info).decode("utf-8")
    manifest = texts.pop("manifest.csv")
    tables = {name.removesuffix(".csv"): parse_csv(t) for name, t in texts.items()}
    return tables, texts, manifest


def reference_columns() -> dict[str, list[str]]:
    """Table -> field names in the order of the dictionary's ``No`` column."""
    with (DATA / "simkopdes_columns.csv").open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["No"]))
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["Table Name"], []).append(r["Field Name"])
    return out


def reference_relations() -> tuple[dict[str, str], list[tuple[str, str, str, str]]]:
    """({table: primary key}, [(table, column, referenced table, referenced column)])."""
    with (DATA / "simkopdes_relations.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keys = {r["Table Name"]: r["Field Name"] for r in rows if r["Key Type"] == "PRIMARY KEY"}
    fks = [
        (r["Table Name"], r["Field Name"], r["Referenced Table"], r["Referenced Field"])
        for r in rows
        if r["Key Type"] == "FOREIGN KEY"
    ]
    return keys, fks

"""The ICD-10 codes a village clinic uses most (``data/icd10_umum.csv``, Indonesian text).

A diagnosis must carry a code from this list: the monthly disease report (LB1-style counts
by code and chapter) is only as good as the codes, and a free-typed code is how "J06" and
"J06.9" and "ispa" end up as three diseases. The text beside the code stays free.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

# ICD-10 chapters by the first three characters (inclusive ranges), WHO 2019 edition.
CHAPTERS = [
    ("A00", "B99", "I", "Penyakit infeksi dan parasit"),
    ("C00", "D48", "II", "Neoplasma"),
    ("D50", "D89", "III", "Penyakit darah dan imunitas"),
    ("E00", "E90", "IV", "Penyakit endokrin, gizi dan metabolik"),
    ("F00", "F99", "V", "Gangguan jiwa dan perilaku"),
    ("G00", "G99", "VI", "Penyakit sistem saraf"),
    ("H00", "H59", "VII", "Penyakit mata"),
    ("H60", "H95", "VIII", "Penyakit telinga"),
    ("I00", "I99", "IX", "Penyakit sistem sirkulasi"),
    ("J00", "J99", "X", "Penyakit sistem pernapasan"),
    ("K00", "K93", "XI", "Penyakit sistem pencernaan"),
    ("L00", "L99", "XII", "Penyakit kulit"),
    ("M00", "M99", "XIII", "Penyakit otot, tulang dan sendi"),
    ("N00", "N99", "XIV", "Penyakit saluran kemih dan kelamin"),
    ("O00", "O99", "XV", "Kehamilan, persalinan dan nifas"),
    ("P00", "P96", "XVI", "Kondisi perinatal"),
    ("Q00", "Q99", "XVII", "Kelainan bawaan"),
    ("R00", "R99", "XVIII", "Gejala dan tanda"),
    ("S00", "T98", "XIX", "Cedera dan keracunan"),
    ("V01", "Y98", "XX", "Penyebab luar"),
    ("Z00", "Z99", "XXI", "Faktor yang memengaruhi kesehatan"),
]


@lru_cache(maxsize=1)
def codes() -> dict[str, str]:
    """{code: Indonesian name}, in file order."""
    text = resources.files("outlet_pos.data").joinpath("icd10_umum.csv").read_text("utf-8")
    return {row["kode"].strip(): row["nama"].strip() for row in csv.DictReader(io.StringIO(text))}


def name_of(code: str) -> str | None:
    return codes().get((code or "").strip().upper())


def chapter_of(code: str) -> tuple[str, str]:
    """(roman numeral, name) of the chapter holding ``code``; ("", "") when outside."""
    head = (code or "").strip().upper()[:3]
    for low, high, roman, name in CHAPTERS:
        if low <= head <= high:
            return roman, name
    return "", ""


def search(query: str, limit: int = 30) -> list[tuple[str, str]]:
    """Codes whose code or name contains every word of ``query`` (case-insensitive)."""
    words = (query or "").lower().split()
    found = []
    for code, name in codes().items():
        hay = f"{code} {name}".lower()
        if all(w in hay for w in words):
            found.append((code, name))
            if len(found) >= limit:
                break
    return found

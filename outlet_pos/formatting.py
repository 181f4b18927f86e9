"""Jinja filters for how the outlet reads numbers and dates: ``Rp12.500``, ``21 Okt 2025``."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from outlet_pos.money import format_number, format_rupiah, format_statement

MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def tanggal(value: date | datetime | None) -> str:
    """``21 Okt 2025`` (DESIGN §3.13)."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS_SHORT[value.month - 1]} {value.year}"


def waktu(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{tanggal(value)} {value:%H:%M}"


def register(app: Flask) -> None:
    from outlet_pos.core.tenancy import current_cooperative

    def local_waktu(value: datetime | None) -> str:
        """A UTC timestamp shown in the cooperative's own time zone."""
        if value is None:
            return ""
        coop = current_cooperative()
        if coop is None:
            return waktu(value) + " UTC"
        return f"{waktu(coop.local_time(value))} {coop.timezone}"

    app.jinja_env.filters.update(
        rupiah=lambda v: format_rupiah(int(v or 0)),
        statement=lambda v: format_statement(int(v or 0)),
        angka=lambda v: format_number(int(v or 0)),
        tanggal=tanggal,
        waktu=local_waktu,
    )

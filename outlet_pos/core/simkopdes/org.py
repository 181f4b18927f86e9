"""The cooperative itself: its profile (``profil_koperasi``), its village
(``referensi_koperasi_wilayah``, ``referensi_wilayah``), its gerai and their types
(``gerai_koperasi``, ``referensi_gerai_koperasi``) and its bank accounts
(``akun_bank_koperasi``).

A *gerai* in the national programme is one line of business at a site (Gerai Sembako,
Apotek Desa, Gerai Klinik Desa, ...), so a gerai here is one kind of business unit at one
outlet: the sembako and pupuk units of one outlet are its one Gerai Sembako (village
sembako gerai sell fertiliser too), an outlet with a clinic and a pharmacy has two gerai.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from outlet_pos.core.banking.models import BankAccount
from outlet_pos.core.simkopdes.common import Context, Row
from outlet_pos.core.simkopdes.formats import region_code, shared_ref, text
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db

GERAI_TYPES = {
    "sembako": "Gerai Sembako",
    "pupuk": "Gerai Sembako",
    "simpan_pinjam": "Gerai Simpan Pinjam",
    "klinik": "Gerai Klinik Desa",
    "apotek": "Apotek Desa",
    "logistik": "Gerai Logistik",
    "lokal": "Gerai Usaha Lokal",
}
COLD_STORAGE = "Gerai Cold Storage/Cold Chain"


def profile_rows(ctx: Context) -> Iterator[Row]:
    coop = ctx.coop
    address = ", ".join(
        p.strip()
        for p in (coop.address, coop.desa, coop.kecamatan, coop.kabupaten, coop.provinsi)
        if p and p.strip()
    )
    registered = bool((coop.legal_number or "").strip())
    yield {
        "koperasi_ref": ctx.koperasi_ref,
        "nama_koperasi": text(coop.name),
        # A legal number means the deed was approved, and since 2021 cooperatives get it
        # from AHU (the ministry's legal entity system).
        "status_registrasi": "Approved" if registered else "",
        "bentuk_koperasi": "Primer",
        "kategori_usaha": "Koperasi",
        "nik_koperasi": text(coop.nik_koperasi),
        "alamat_lengkap": text(address),
        "sumber_persetujuan": "AHU" if registered else "",
        "pola_pengelolaan": "Konvensional",
        "metode_pengisian": "Mandiri",
        "dibuat_pada": ctx.clock.stamp(coop.created_at),
    }


def coop_region_rows(ctx: Context) -> Iterator[Row]:
    yield {
        "koperasi_ref": ctx.koperasi_ref,
        "kode_wilayah": region_code(ctx.coop.region_code),
        "dibuat_pada": ctx.clock.stamp(ctx.coop.created_at),
    }


def region_rows(ctx: Context) -> Iterator[Row]:
    """The cooperative's own village: the only region our rows point at."""
    coop = ctx.coop
    code = region_code(coop.region_code)
    if not code:
        return
    yield {
        "provinsi": text(coop.provinsi),
        "kab_kota": text(coop.kabupaten),
        "kecamatan": text(coop.kecamatan),
        "desa_kelurahan": text(coop.desa),
        "kode_wilayah": code,
    }


def _gerai(ctx: Context) -> list[tuple[tuple[int, str], str, bool]]:
    """((outlet id or 0, type), type name, active) per gerai, in outlet and type order."""
    from outlet_pos.units.lokal.models import LocalUnitProfile

    cold = set(
        db.session.scalars(
            select(LocalUnitProfile.unit_id).where(
                LocalUnitProfile.cooperative_id == ctx.coop.id,
                LocalUnitProfile.template == "cold_storage",
            )
        )
    )
    outlets_active = dict(
        db.session.execute(
            select(Outlet.id, Outlet.active).where(Outlet.cooperative_id == ctx.coop.id)
        ).all()
    )
    gerai: dict[tuple[int, str], bool] = {}
    units = db.session.execute(
        select(BusinessUnit.id, BusinessUnit.outlet_id, BusinessUnit.kind, BusinessUnit.active)
        .where(BusinessUnit.cooperative_id == ctx.coop.id)
        .order_by(BusinessUnit.id)
    )
    for unit_id, outlet_id, kind, active in units:
        name = COLD_STORAGE if unit_id in cold else GERAI_TYPES.get(kind, "Gerai Usaha Lokal")
        key = (outlet_id or 0, name)
        on = bool(active) and outlets_active.get(outlet_id, True)
        gerai[key] = gerai.get(key, False) or on
    return [(key, key[1], on) for key, on in sorted(gerai.items())]


def gerai_type_rows(ctx: Context) -> Iterator[Row]:
    for name in sorted({name for _key, name, _on in _gerai(ctx)}):
        yield {"jenis_gerai_ref": shared_ref("jenis_gerai", name), "nama_jenis_gerai": name}


def gerai_rows(ctx: Context) -> Iterator[Row]:
    for (outlet_id, name), _name, active in _gerai(ctx):
        yield {
            "gerai_ref": ctx.refs("gerai", f"{outlet_id}/{name}"),
            "koperasi_ref": ctx.koperasi_ref,
            "jenis_gerai_ref": shared_ref("jenis_gerai", name),
            "status_gerai": "Aktif" if active else "Tidak Aktif",
        }


def bank_rows(ctx: Context) -> Iterator[Row]:
    """The register of bank accounts: bank and holder, never the account number (the
    dictionary has no column for it)."""
    accounts = db.session.execute(
        select(
            BankAccount.id, BankAccount.bank_name, BankAccount.holder_name, BankAccount.created_at
        )
        .where(BankAccount.cooperative_id == ctx.coop.id)
        .order_by(BankAccount.id)
    )
    for acc in accounts:
        yield {
            "akun_bank_ref": ctx.refs("akun_bank", acc.id),
            "koperasi_ref": ctx.koperasi_ref,
            "nama_rekening": text(acc.holder_name),
            "nama_bank": text(acc.bank_name),
            "dibuat_pada": ctx.clock.stamp(acc.created_at),
        }

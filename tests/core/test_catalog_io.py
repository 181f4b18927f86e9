"""Catalog export and import: a round trip changes nothing, every bad row is named, nothing
half-written; spreadsheet formulas never run; bulk price changes are exact and audited."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.io import (
    COLUMNS,
    apply_import,
    apply_price_change,
    export_csv,
    export_rows,
    export_xlsx,
    preview_import,
    preview_price_change,
)
from outlet_pos.core.inventory.models import Item, ItemBarcode, ItemUnit
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from tests.conftest import make_user
from tests.shop import build_shop


@pytest.fixture
def shop(ctx):
    return build_shop()


def _coop(shop) -> Cooperative:
    return db.session.get(Cooperative, shop.coop_id)


def catalog_state(coop_id):
    """Everything an import may touch, as plain values."""
    items = db.session.scalars(select(Item).where(Item.cooperative_id == coop_id)).all()
    return sorted(
        (
            i.sku,
            i.name,
            i.unit_id,
            i.category,
            i.base_uom,
            i.decimals,
            i.taxable,
            i.track_batch,
            i.reorder_point,
            i.inventory_account,
            tuple(sorted((u.name, u.factor, u.price_member, u.price_general) for u in i.units)),
            tuple(
                sorted(
                    db.session.scalars(select(ItemBarcode.code).where(ItemBarcode.item_id == i.id))
                )
            ),
        )
        for i in items
    )


def counts():
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Item, ItemUnit, ItemBarcode))


def to_csv(rows, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_export_then_import_round_trips_in_csv_and_excel(shop):
    coop = _coop(shop)
    db.session.get(Item, shop.items["gula"]).reorder_point = Decimal("12.5")
    db.session.get(Item, shop.items["gula"]).category = "Bahan pokok"
    db.session.commit()
    before = catalog_state(coop.id)
    for data, name in ((export_csv(coop), "katalog.csv"), (export_xlsx(coop), "katalog.xlsx")):
        preview = preview_import(coop, data, name)
        assert preview.ok, preview.row_errors
        assert (preview.creates, preview.updates) == (0, 4)
        run_transaction(apply_import, coop, preview, None)
        db.session.expire_all()
        assert catalog_state(coop.id) == before
    row = next(r for r in export_rows(coop) if r[0] == "MYK1")
    assert row[11] == "8991001000028"
    assert row[12] == "karton:12:204000:210000:8991001000035"


def test_an_import_into_another_cooperative_creates_the_same_items(shop):
    coop = _coop(shop)
    other = build_shop(name="Koperasi Lain")
    other_coop = db.session.get(Cooperative, other.coop_id)
    for item in db.session.scalars(select(Item).where(Item.cooperative_id == other.coop_id)):
        item.sku = "OLD-" + item.sku
    for bc in db.session.scalars(
        select(ItemBarcode).where(ItemBarcode.cooperative_id == other.coop_id)
    ):
        bc.code = "OLD" + bc.code
    db.session.commit()
    preview = preview_import(other_coop, export_csv(coop), "dari-koperasi-lain.csv")
    assert preview.ok and (preview.creates, preview.updates) == (4, 0)
    created, updated = run_transaction(apply_import, other_coop, preview, None)
    assert (created, updated) == (4, 0)
    minyak = db.session.scalar(
        select(Item).where(Item.cooperative_id == other.coop_id, Item.sku == "MYK1")
    )
    assert [(u.name, u.factor, u.price_member) for u in minyak.units] == [
        ("pcs", Decimal(1), 17_500),
        ("karton", Decimal(12), 204_000),
    ]


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_written(shop):
    coop = _coop(shop)
    rows = [
        [
            "BARU1",
            "Teh celup",
            "sembako",
            "Minuman",
            "pcs",
            "0",
            "ya",
            "tidak",
            "5",
            "5000",
            "5500",
            "8990001",
            "",
        ],  # row 2: fine
        ["", "Tanpa SKU", "sembako", "", "pcs", "0", "", "", "", "1000", "1100", "", ""],  # 3
        ["BARU2", "Kecap", "sembako", "", "pcs", "0", "", "", "", "12,5", "13000", "", ""],  # 4
        ["BARU3", "Sabun", "toko-lain", "", "pcs", "0", "", "", "", "3000", "3500", "", ""],  # 5
        ["BARU1", "Teh lagi", "sembako", "", "pcs", "0", "", "", "", "5000", "5500", "", ""],  # 6
        [
            "BARU4",
            "Minyak curah",
            "sembako",
            "",
            "liter",
            "1",
            "",
            "",
            "",
            "15000",
            "16000",
            "8991001000011",
            "",
        ],  # 7: the rice's barcode
        [
            "BARU5",
            "Telur",
            "sembako",
            "",
            "butir",
            "0",
            "kadang",
            "",
            "",
            "2000",
            "2200",
            "",
            "tray:30:60000",
        ],  # 8: bad flag and bad extra unit
    ]
    before_counts, before_state = counts(), catalog_state(coop.id)
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    preview = preview_import(coop, to_csv(rows), "katalog.csv")
    assert not preview.ok
    errors = dict(preview.row_errors)
    assert 2 not in errors
    assert "SKU wajib diisi" in errors[3]
    assert "Harga anggota '12,5' tidak valid" in errors[4]
    assert "Unit usaha 'toko-lain' tidak dikenal" in errors[5]
    assert "muncul dua kali (juga di baris 2)" in errors[6]
    assert "sudah dipakai barang lain (SKU BRS5)" in errors[7]
    row8 = [e for n, e in preview.row_errors if n == 8]
    assert any("'ya' atau 'tidak'" in e for e in row8)
    assert any("nama:isi:harga_anggota:harga_umum" in e for e in row8)
    with pytest.raises(ValidationError, match="Perbaiki"):
        run_transaction(apply_import, coop, preview, None)
    assert counts() == before_counts and catalog_state(coop.id) == before_state
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_a_row_that_fails_while_writing_undoes_the_whole_import(shop):
    coop = _coop(shop)
    rows = [
        ["BARU1", "Teh celup", "sembako", "", "pcs", "0", "", "", "", "5000", "5500", "", ""],
        # Passes the preview, but the item's base unit cannot change after stock moved.
        ["BRS5", "Beras SPHP", "sembako", "", "karung", "0", "", "", "", "60000", "62000", "", ""],
    ]
    preview = preview_import(coop, to_csv(rows), "katalog.csv")
    assert dict(preview.row_errors)[3] == "Satuan dasar tidak dapat diubah setelah ada mutasi stok."
    preview.rows[1].errors.clear()  # as if the check had missed it: save_item still refuses
    before = counts()
    with pytest.raises(ValidationError, match="Baris 3: Satuan dasar"):
        run_transaction(apply_import, coop, preview, None)
    db.session.expire_all()
    assert counts() == before
    assert db.session.scalar(select(Item).where(Item.sku == "BARU1")) is None


def test_the_file_itself_is_refused_with_a_clear_message(shop):
    coop = _coop(shop)
    with pytest.raises(ValidationError, match="CSV"):
        preview_import(coop, b"x", "katalog.pdf")
    with pytest.raises(ValidationError, match="judul kolom"):
        preview_import(coop, b"a,b\n1,2\n", "katalog.csv")
    with pytest.raises(ValidationError, match="price_general"):
        preview_import(coop, b"sku,name,unit,base_uom,price_member\n", "katalog.csv")


def test_a_semicolon_csv_from_indonesian_excel_is_read(shop):
    coop = _coop(shop)
    data = to_csv(
        [
            [
                "TEH",
                "Teh; celup",
                "sembako",
                "",
                "pcs",
                "0",
                "ya",
                "tidak",
                "",
                "5.000",
                "Rp5.500",
                "",
                "",
            ]
        ],
        delimiter=";",
    )
    preview = preview_import(coop, data, "katalog.csv")
    assert preview.ok, preview.row_errors
    assert preview.rows[0].values["units"][0].price_member == 5_000
    assert preview.rows[0].values["name"] == "Teh; celup"


def test_formulas_in_names_are_exported_as_text(shop):
    coop = _coop(shop)
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.id == shop.unit_id))
    run_transaction(
        save_item,
        coop,
        unit=unit,
        sku="=1+1",
        name='=HYPERLINK("http://x","klik")',
        base_uom="pcs",
        units=[UnitSpec("pcs", Decimal(1), 1_000, 1_000)],
    )
    text = export_csv(coop).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'=1+1" in text
    ws = load_workbook(io.BytesIO(export_xlsx(coop))).active
    cells = [c for row in ws.iter_rows() for c in row if str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    # ... and they come back unchanged.
    preview = preview_import(coop, export_csv(coop), "k.csv")
    assert preview.ok
    assert {r.values["name"] for r in preview.rows} >= {'=HYPERLINK("http://x","klik")'}


def test_a_bulk_price_change_is_exact_and_audited_per_item(shop):
    coop = _coop(shop)
    user = make_user(f"pengurus{coop.id}", "pengurus", coop)
    changes = preview_price_change(coop, mode="percent", change=Decimal(10), rounding=100)
    got = {(c.item.sku, c.unit.name): (c.new_member, c.new_general) for c in changes}
    assert got[("MYK1", "pcs")] == (19_300, 19_800)  # 19.250 -> 19.300 (half up to 100)
    assert got[("MYK1", "karton")] == (224_400, 231_000)
    changes = preview_price_change(coop, target="general", mode="fixed", change=Decimal(-500))
    got = {(c.item.sku, c.unit.name): (c.new_member, c.new_general) for c in changes}
    assert got[("GLA", "karung")] == (840_000, 845_000)  # -500 per kg, 50 kg a sack
    with pytest.raises(ValidationError, match="negatif"):
        preview_price_change(coop, mode="fixed", change=Decimal(-7_000))
    changed = run_transaction(
        apply_price_change, coop, user, mode="percent", change=Decimal(10), rounding=100
    )
    assert changed == 4
    minyak = db.session.get(Item, shop.items["minyak"])
    assert [(u.price_member, u.price_general) for u in minyak.units] == [
        (19_300, 19_800),
        (224_400, 231_000),
    ]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "item.price_change")
    ).all()
    assert len(events) == 4
    myk = next(e for e in events if e.target == "MYK1")
    assert myk.detail["units"]["karton"] == {"old": [204_000, 210_000], "new": [224_400, 231_000]}

"""Ids of another cooperative smuggled in through query strings, form fields and JSON.

Cooperative B's every-role user fills a real form of B (read from B's page, as a browser
would send it) and changes one id to cooperative A's: the request must commit nothing, in
either cooperative. The same form with B's own id then must commit something, so the
refusal is the foreign id's doing, not a form that was wrong anyway. A's objects used here
carry the marker "Rahasia A", which no answer to B may ever contain. At the end no row of
one cooperative may point at a row of the other (``cross_tenant_references``).
"""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.extensions import db
from tests.security import forms, worlds
from tests.security import tenancy_checks as checks

MARKER = "Rahasia A"


def _secrets_of_a(ws) -> dict:
    """A unit and a member of cooperative A whose names carry the marker; a purchase order."""
    from decimal import Decimal

    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.core.onboarding import save_unit
    from outlet_pos.core.parties import Member
    from outlet_pos.core.purchasing.models import Supplier
    from outlet_pos.core.purchasing.orders import create_order
    from outlet_pos.core.tenancy import Cooperative, Outlet

    def action():
        coop = db.session.get(Cooperative, ws.a)
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        unit = save_unit(coop, "rahasia", f"Unit {MARKER}", "sembako", outlet.id)
        member = db.session.get(Member, ws.world_a["member"])
        member.name = f"Anggota {MARKER}"
        item = db.session.get(Item, ws.world_a["item"])
        supplier = db.session.get(Supplier, ws.world_a["supplier"])
        buyer = db.session.get(User, ws.users["bendahara"])
        lines = [(item, item.units[0], Decimal(2), 4_000)]
        order = create_order(coop, supplier, outlet, lines, buyer, note=MARKER)
        return {"unit": unit.id, "member": member.id, "order": order.id}

    return run_transaction(action)


class Attempts:
    """Posts as B and records what each post committed, in A and in B."""

    def __init__(self, app, client, ws) -> None:
        self.app, self.client, self.ws = app, client, ws
        self.failures: list[str] = []

    def _digests(self) -> tuple[dict, dict]:
        with self.app.app_context():
            return checks.digest(self.ws.a), checks.digest(self.ws.b)

    def _answer(self, label: str, resp) -> None:
        if MARKER in resp.get_data(as_text=True):
            self.failures.append(f"{label}: the answer shows cooperative A's data")

    def foreign(self, label: str, url: str, **kwargs) -> None:
        """A post carrying A's id: nothing committed anywhere."""
        before = self._digests()
        resp = self.client.post(url, **kwargs)
        self._answer(label, resp)
        after = self._digests()
        changed = sorted(t for t in after[1] if after[1][t] != before[1][t])
        if after[0] != before[0]:
            self.failures.append(f"{label}: cooperative A's rows changed")
        if changed:
            self.failures.append(f"{label}: committed {changed} ({resp.status_code})")

    def own(self, label: str, url: str, **kwargs):
        """The same post with B's own id: it must commit (the control)."""
        before = self._digests()[1]
        resp = self.client.post(url, **kwargs)
        if self._digests()[1] == before:
            body = resp.get_data(as_text=True)[:300]
            self.failures.append(f"{label} (control, B's own id) committed nothing: {body}")
        return resp

    def get(self, label: str, url: str, expect: int) -> str:
        resp = self.client.get(url)
        self._answer(label, resp)
        if resp.status_code != expect:
            self.failures.append(f"{label}: GET {url} -> {resp.status_code}, not {expect}")
        return resp.get_data(as_text=True)


def test_ids_of_another_cooperative_in_forms_queries_and_json_change_nothing(app, login):
    ws = worlds.build(app)
    with app.app_context():
        secret = _secrets_of_a(ws)
    a, b = ws.world_a, ws.world_b
    sa, sb = a["samples"], b["samples"]
    client = worlds.sign_in_to_b(app, login, ws)
    go = Attempts(app, client, ws)

    # Opening a shift at another cooperative's outlet; then B's own (the counter needs it).
    fields = forms.form_for(client, "/kasir/", "/kasir/shift/buka")["fields"]
    go.foreign(
        "shift at A's outlet",
        "/kasir/shift/buka",
        data={**fields, "outlet": a["outlet"], "float_amount": "0"},
    )
    go.own(
        "shift", "/kasir/shift/buka", data={**fields, "outlet": b["outlet"], "float_amount": "0"}
    )

    # The counter's JSON: A's item, A's member.
    def cart(item: int, member: int | None = None) -> dict:
        return {
            "lines": [{"item_id": item, "qty": "1"}],
            "member_id": member,
            "payments": [{"method": "tunai", "amount": 5_500}],
        }

    go.foreign("sale of A's item", "/kasir/bayar", json=cart(a["item"]))
    go.foreign("sale to A's member", "/kasir/bayar", json=cart(b["item"], secret["member"]))
    go.own("sale", "/kasir/bayar", json=cart(b["item"], b["member"]))

    # A manual journal line, an expense and a new item on A's business unit.
    page = "/pembukuan/jurnal/baru"
    entry = {
        **forms.form_for(client, page, page)["fields"],
        "memo": "Uji unit",
        "lines-0-account": "111100",
        "lines-0-debit": "1000",
        "lines-1-account": "411100",
        "lines-1-credit": "1000",
    }
    go.foreign("journal line on A's unit", page, data={**entry, "lines-0-unit": secret["unit"]})
    go.own("journal line", page, data={**entry, "lines-0-unit": b["unit"]})

    page = "/pembukuan/pengeluaran/baru"
    expense = {
        **forms.form_for(client, page, page)["fields"],
        "account": "612100",
        "amount": "150000",
        "paid_from": "112100",
        "description": "Listrik",
    }
    go.foreign("expense on A's unit", page, data={**expense, "unit": secret["unit"]})
    go.own("expense", page, data={**expense, "unit": b["unit"]})

    page = "/sembako/barang/baru"
    item = {
        **forms.form_for(client, page, page)["fields"],
        "sku": "SEC-1",
        "name": "Gula uji",
        "base_uom": "kg",
        "price_member": "15000",
        "price_general": "16000",
    }
    go.foreign("item in A's unit", page, data={**item, "unit": secret["unit"]})
    go.own("item", page, data={**item, "unit": b["unit"]})

    # A purchase order from A's supplier; cash moved into A's bank account.
    page = "/pembukuan/pesanan"
    order = {
        **forms.form_for(client, page, page)["fields"],
        "lines-0-item": "T1",
        "lines-0-unit": "pcs",
        "lines-0-qty": "2",
        "lines-0-cost": "4000",
    }
    go.foreign("order from A's supplier", page, data={**order, "supplier": a["supplier"]})
    go.own("order", page, data={**order, "supplier": b["supplier"]})

    page = "/pembukuan/bank/setor"
    move = {**forms.form_for(client, page, page)["fields"], "kind": "deposit", "amount": "10000"}
    go.foreign("deposit into A's bank", page, data={**move, "bank": sa["bank_account_id"]})
    go.own("deposit", page, data={**move, "bank": sb["bank_account_id"]})

    # The clinic: A's tariff, A's drug on a prescription, A's item as a consumable.
    visit = f"/klinik/kunjungan/{sb['visit_id']}"
    go.foreign(
        "service at A's tariff", f"{visit}/layanan", data={"tariff": sa["tariff_id"], "qty": "1"}
    )
    go.foreign(
        "prescription of A's drug",
        f"{visit}/resep",
        data={"rx_item_0": sa["drug_id"], "rx_qty_0": "1", "rx_dosage_0": "3 x 1"},
    )
    go.foreign("consumable of A's item", f"{visit}/bahan", data={"item": a["item"], "qty": "1"})

    # The pharmacy: an outside prescription for A's patient.
    page = "/apotek/resep/baru"
    rx = {
        **forms.form_for(client, page, page)["fields"],
        "patient_name": "Pasien Luar",
        "prescriber": "dr. Luar",
        "lines-0-item": sb["drug_id"],
        "lines-0-qty": "5",
        "lines-0-dosage": "2 x 1",
    }
    go.foreign("prescription for A's patient", page, data={**rx, "patient": sa["patient_id"]})

    # A bank statement line of B matched to A's journal line.
    from outlet_pos.core.ledger.models import JournalLine

    with app.app_context():
        a_line = db.session.scalar(select(JournalLine.id).where(JournalLine.entry_id == a["entry"]))
    go.foreign(
        "statement line matched to A's journal line",
        f"/pembukuan/bank/baris/{sb['bank_line_id']}/cocokkan",
        data={"journal_line": a_line},
    )

    # Query strings.
    html = go.get(
        "loan form for A's member",
        f"/simpan-pinjam/pinjaman/ajukan?member_id={secret['member']}",
        200,
    )
    member_field = [f for f in forms.post_forms(html) if "member" in f["fields"]]
    assert member_field and member_field[0]["fields"]["member"] == ""
    go.get(
        "plan comparison of A's unit", f"/rencana-bisnis/2025/banding?unit={secret['unit']}", 404
    )
    go.get(
        "receipt from A's purchase order", f"/pembukuan/penerimaan?pesanan={secret['order']}", 404
    )
    html = go.get(
        "cash page on A's bank", f"/pembukuan/bank/setor?rekening={sa['bank_account_id']}", 200
    )
    assert f'value="{sa["bank_account_id"]}" selected' not in html

    assert go.failures == [], "\n".join(go.failures)
    with app.app_context():
        assert checks.cross_tenant_references() == []

"""The SHU pages: the closed year's simulation, settings refused unless the percentages add up to
100, distribution once, payouts in cash (from the cashier's open shift) and into sukarela, the
member's slip and the list for the meeting, who may open what, and another cooperative's share."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.closing.year_end import close_year
from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.parties import Member
from outlet_pos.core.shu.models import ShuShare
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from tests.core.book_world import YEAR, build_book, pay_wajib, sell, spend

RAT = {"year": YEAR, "rat_date": f"{YEAR + 1}-03-10", "decision_number": "05/RAT/2026"}


@pytest.fixture
def book(app, login):
    """A cooperative with a closed year of books (three members; Ani and Budi bought), and
    logged-in clients: its bendahara and its kasir (whose shift is open)."""
    with app.app_context():
        b = build_book("Koperasi SHU Halaman")
        ani, budi, citra = b.members
        pay_wajib(b, ani, 240_000, date(YEAR, 2, 1))
        pay_wajib(b, budi, 120_000, date(YEAR, 2, 1))
        sell(b, 10, date(YEAR, 3, 5), member=ani)
        sell(b, 5, date(YEAR, 4, 5), member=budi)
        sell(b, 20, date(YEAR, 5, 5))
        spend(b, "612100", 150_000, date(YEAR, 6, 30), b.sembako)
        run_transaction(close_year, b.coop, YEAR, b.user)
        info = {
            "coop": b.coop.id,
            "shift": b.shift.id,
            "members": {m.name: m.id for m in b.members},
            "bendahara": b.user.username,
            "kasir": b.kasir.username,
        }
    clients = {}
    for role in ("bendahara", "kasir"):
        clients[role] = app.test_client()
        login(clients[role], info[role])
    info["clients"] = clients
    return info


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def _entries(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(JournalEntry.id)))


def _share(app, member_id: int) -> ShuShare:
    with app.app_context():
        share = db.session.scalar(select(ShuShare).where(ShuShare.member_id == member_id))
        db.session.expunge(share)
        return share


def _distribute(book) -> None:
    resp = book["clients"]["bendahara"].post("/pembukuan/shu/bagikan", data=RAT)
    assert resp.status_code == 302, _text(resp)[:3000]


def test_the_simulation_shows_the_pools_and_every_members_figures_adding_up(app, book):
    page = _text(book["clients"]["bendahara"].get(f"/pembukuan/shu?year={YEAR}"))
    assert "Simulasi" in page and "Rp300.000" in page  # SHU 2.200.000 - 1.750.000 - 150.000
    assert "Jasa modal anggota" in page and "Jasa usaha (transaksi) anggota" in page
    assert "Ani" in page and "Budi" in page and "Citra" in page
    assert "Transaksi Sembako" in page  # transactions per unit, by the unit's name
    assert "sama dengan posnya" in page and "tidak sama" not in page


def test_settings_refuse_percentages_that_do_not_add_up_to_100(app, book):
    bendahara = book["clients"]["bendahara"]
    with app.app_context():
        before = db.session.get(Cooperative, book["coop"]).shu_allocation_json
        units = [u.id for u in db.session.get(Cooperative, book["coop"]).units]
    data = {
        "alloc_cadangan": "35",
        "alloc_jasa_modal": "20",
        "alloc_jasa_usaha": "20",
        "alloc_pengurus": "5",
        "alloc_karyawan": "5",
        "alloc_pendidikan": "5",
        "alloc_sosial": "5",
    }
    data.update({f"weight_{u}": "100" for u in units})
    refused = bendahara.post(f"/pembukuan/shu/pengaturan?year={YEAR}", data=data)
    assert refused.status_code == 400
    assert "harus berjumlah 100; sekarang 95" in _text(refused)
    assert 'value="35"' in _text(refused)  # what the user typed is kept
    bad = bendahara.post(
        f"/pembukuan/shu/pengaturan?year={YEAR}", data={**data, "alloc_cadangan": "40,5"}
    )
    assert bad.status_code == 400 and "bilangan bulat" in _text(bad)
    with app.app_context():
        assert db.session.get(Cooperative, book["coop"]).shu_allocation_json == before
    ok = bendahara.post(
        f"/pembukuan/shu/pengaturan?year={YEAR}",
        data={
            **data,
            "alloc_cadangan": "30",
            "alloc_jasa_usaha": "30",
            "include_sukarela": "y",
            f"weight_{units[0]}": "50",
        },
    )
    assert ok.status_code == 302
    with app.app_context():
        coop = db.session.get(Cooperative, book["coop"])
        assert json.loads(coop.shu_allocation_json)["jasa_usaha"] == 30
        from outlet_pos.core.shu.compute import settings_of

        settings = settings_of(coop)
        assert settings.include_sukarela
        assert json.loads(settings.unit_weights_json)[str(units[0])] == 50
        assert db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "shu.settings")
        )
    assert book["clients"]["kasir"].post("/pembukuan/shu/pengaturan", data=data).status_code == 403


def test_distributing_twice_posts_once(app, book):
    bendahara = book["clients"]["bendahara"]
    bad = bendahara.post("/pembukuan/shu/bagikan", data={**RAT, "rat_date": f"{YEAR}-12-01"})
    assert bad.status_code == 400 and "Tanggal RAT harus sesudah" in _text(bad)
    before = _entries(app)
    _distribute(book)
    assert _entries(app) == before + 1
    page = _text(bendahara.post("/pembukuan/shu/bagikan", data=RAT, follow_redirects=True))
    assert f"SHU tahun {YEAR} sudah dibagikan; tidak ada perubahan." in page
    assert _entries(app) == before + 1
    assert "Dibagikan sesuai RAT" in page and "05/RAT/2026" in page


def test_paying_cash_needs_an_open_shift_and_posts_from_the_drawer(app, book):
    _distribute(book)
    ani = _share(app, book["members"]["Ani"])
    assert ani.total > 0
    url = f"/pembukuan/shu/bagian/{ani.id}/tunai"
    # The treasurer has no open shift: refused, nothing written.
    before = _entries(app)
    page = _text(book["clients"]["bendahara"].post(url, follow_redirects=True))
    assert "Buka shift kasir dulu" in page
    assert _entries(app) == before and _share(app, ani.member_id).paid_on is None
    # The cashier pays from her open shift.
    page = _text(book["clients"]["kasir"].post(url, follow_redirects=True))
    assert "dibayar tunai" in page
    paid = _share(app, ani.member_id)
    assert paid.paid_via == "tunai" and paid.payout_entry_id
    with app.app_context():
        entry = db.session.get(JournalEntry, paid.payout_entry_id)
        assert entry.shift_id == book["shift"]
        lines = {
            code: (debit, credit, member)
            for code, debit, credit, member in db.session.execute(
                select(Account.code, JournalLine.debit, JournalLine.credit, JournalLine.member_id)
                .join(Account, Account.id == JournalLine.account_id)
                .where(JournalLine.entry_id == entry.id)
            )
        }
    assert lines == {"211700": (ani.total, 0, ani.member_id), "111100": (0, ani.total, None)}
    again = _text(book["clients"]["kasir"].post(url, follow_redirects=True))
    assert "sudah dibayar" in again and _entries(app) == before + 1


def test_paying_into_sukarela_raises_the_members_balance_and_refuses_a_member_who_left(app, book):
    from outlet_pos.units.simpan_pinjam.savings import account_for

    _distribute(book)
    budi = _share(app, book["members"]["Budi"])
    bendahara = book["clients"]["bendahara"]
    url = f"/pembukuan/shu/bagian/{budi.id}/sukarela"
    assert book["clients"]["kasir"].post(url).status_code == 403
    page = _text(bendahara.post(url, follow_redirects=True))
    assert "masuk ke simpanan sukarela" in page
    with app.app_context():
        coop = db.session.get(Cooperative, book["coop"])
        member = db.session.get(Member, budi.member_id)
        assert account_for(coop, member, "sukarela").balance == budi.total
        db.session.rollback()
    assert _share(app, budi.member_id).paid_via == "sukarela"
    # A member who has left is paid in cash, not into savings.
    citra = _share(app, book["members"]["Citra"])
    with app.app_context():
        db.session.get(Member, citra.member_id).status = "keluar"
        db.session.commit()
    before = _entries(app)
    page = _text(
        bendahara.post(f"/pembukuan/shu/bagian/{citra.id}/sukarela", follow_redirects=True)
    )
    assert "sudah tidak aktif" in page
    assert _entries(app) == before and _share(app, citra.member_id).paid_on is None


def test_the_slip_and_the_meeting_list_are_documents(app, book):
    _distribute(book)
    ani = _share(app, book["members"]["Ani"])
    slip = book["clients"]["kasir"].get(f"/pembukuan/shu/bagian/{ani.id}/slip")
    assert slip.status_code == 200 and slip.data.startswith(b"%PDF")
    bendahara = book["clients"]["bendahara"]
    pdf = bendahara.get(f"/pembukuan/shu?year={YEAR}&fmt=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = bendahara.get(f"/pembukuan/shu?year={YEAR}&fmt=xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")


def test_a_cashier_finds_a_members_shu_on_the_payout_list_but_not_the_treasurers_page(app, book):
    kasir = book["clients"]["kasir"]
    assert kasir.get(f"/pembukuan/shu?year={YEAR}").status_code == 403
    _distribute(book)
    page = _text(kasir.get("/pembukuan/shu/pembayaran?q=bud"))
    assert "Budi" in page and "Ani" not in page
    assert "Bayar tunai" in page and "Ke sukarela" not in page  # shu.manage only
    assert "Belum dibayar" in page


def test_another_cooperatives_share_is_not_found(app, book, login):
    from tests.conftest import make_coop, make_user

    _distribute(book)
    ani = _share(app, book["members"]["Ani"])
    with app.app_context():
        other = make_coop("Koperasi Tetangga")
        make_user("bendahara-lain", "bendahara", other)
    client = app.test_client()
    login(client, "bendahara-lain")
    assert client.get(f"/pembukuan/shu/bagian/{ani.id}/slip").status_code == 404
    assert client.post(f"/pembukuan/shu/bagian/{ani.id}/tunai").status_code == 404
    assert client.post(f"/pembukuan/shu/bagian/{ani.id}/sukarela").status_code == 404
    assert _share(app, ani.member_id).paid_on is None

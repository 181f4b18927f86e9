"""The ``outlet-pos`` command: init, demo, verify, backup and restore, close-month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.access import User
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.extensions import db
from tests.conftest import make_coop


def test_init_creates_the_first_admin_once(app, runner):
    weak = runner.invoke(args=["init", "--admin-password", "rahasia"])
    assert weak.exit_code != 0 and "minimal 12" in weak.output
    ok = runner.invoke(args=["init", "--admin-password", "Kunci-Sukamaju-2025"])
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(args=["init", "--admin-password", "Kunci-Sukamaju-2025"])
    assert "sudah ada" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.is_admin)) == 1


def test_demo_refuses_a_password_the_policy_refuses_with_a_message(app, runner):
    from outlet_pos.core.tenancy import Cooperative

    result = runner.invoke(
        args=["demo", "--no-serve", "--days", "1", "--password", "kasir-2025-desa"]
    )
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with app.app_context():
        assert db.session.scalar(select(func.count(Cooperative.id))) == 0


def test_demo_builds_a_cooperative_whose_books_verify(app, runner, client, login):
    from tests.demo_klinik_checks import check_demo_klinik
    from tests.demo_lokal_checks import check_demo_lokal
    from tests.demo_pupuk_checks import check_demo_kiosk

    result = runner.invoke(
        args=["demo", "--no-serve", "--days", "20", "--password", "Demo-Sukamaju-2025"]
    )
    assert result.exit_code == 0, result.output
    assert "Koperasi Desa Merah Putih Sukamaju" in result.output
    for username in [
        "admin",
        "pengurus",
        "bendahara",
        "pengawas",
        "kasir",
        "apoteker",
        "klinik",
        "logistik",
        "pendamping",
    ]:
        assert username in result.output
    verify = runner.invoke(args=["verify"])
    assert verify.exit_code == 0, verify.output
    assert "Semua pemeriksaan lulus" in verify.output
    assert "Pupuk ditebus = catatan penebusan per alokasi" in verify.output
    check_demo_kiosk(app)
    check_demo_klinik(app)
    check_demo_lokal(app)
    login(client, "bendahara", "Demo-Sukamaju-2025")
    page = client.get("/pembukuan/neraca-saldo").get_data(as_text=True)
    assert "Saldo awal" in page or "Kas" in page
    assert "tidak seimbang" not in page
    # Running it again keeps the books and hands out fresh passwords.
    with app.app_context():
        entries = db.session.scalar(select(func.count(JournalEntry.id)))
    again = runner.invoke(args=["demo", "--no-serve", "--days", "7"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(JournalEntry.id))) == entries
        # The demo's cash never goes negative.
        from outlet_pos.core.ledger import balances
        from outlet_pos.core.tenancy import Cooperative

        bal = balances(db.session.scalar(select(Cooperative)))
        assert bal["111100"] > 0 and bal["112100"] > 0


def test_backup_and_restore_round_trip(app, runner, tmp_path):
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger import post

    with app.app_context():
        coop = make_coop()
        run_transaction(
            post,
            coop,
            date(2025, 1, 2),
            "Satu",
            [("111100", 1, 0), ("411100", 0, 1)],
            source="manual",
        )
        dialect = db.engine.dialect.name
    target = tmp_path / "cadangan.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    if dialect == "postgresql":
        assert "pg_dump" in result.output
        return
    assert target.exists()
    with app.app_context():
        from outlet_pos.core.tenancy import Cooperative

        coop = db.session.scalar(select(Cooperative))
        run_transaction(
            post,
            coop,
            date(2025, 1, 3),
            "Dua",
            [("111100", 2, 0), ("411100", 0, 2)],
            source="manual",
        )
        assert db.session.scalar(select(func.count(JournalEntry.id))) == 2
        db.session.remove()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(JournalEntry.id))) == 1
    assert runner.invoke(args=["verify"]).exit_code == 0


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, tmp_path):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
    junk = tmp_path / "bukan.db"
    junk.write_bytes(b"ini bukan basis data" * 100)
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert "bukan" in result.output or "rusak" in result.output


def test_close_month_from_the_command_line(app, runner):
    from tests.conftest import make_user

    with app.app_context():
        coop = make_coop()
        make_user("bendahara", "bendahara", coop)
        coop_id = coop.id
    ok = runner.invoke(args=["close-month", str(coop_id), "2025", "3", "--user", "bendahara"])
    assert ok.exit_code == 0 and "ditutup" in ok.output
    again = runner.invoke(args=["close-month", str(coop_id), "2025", "3", "--user", "bendahara"])
    assert again.exit_code != 0 and "sudah ditutup" in again.output

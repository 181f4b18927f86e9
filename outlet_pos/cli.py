"""The ``outlet-pos`` command: a Flask CLI group (init, demo, serve, verify, backup, restore,
close) plus Flask-Migrate's ``db`` commands. Each command is one transaction per action."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from outlet_pos.extensions import db


def _create(_info=None) -> Flask:
    from outlet_pos import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """outlet_pos — kasir, stok dan pembukuan gerai Koperasi Desa Merah Putih."""


def upgrade_database() -> None:
    """Create or upgrade the schema: only ever through the migrations."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


@click.command("init")
@click.option("--admin-username", default="admin", show_default=True)
@click.option("--admin-name", default="Administrator", show_default=True)
@click.option(
    "--admin-password",
    envvar="OUTLET_POS_ADMIN_PASSWORD",
    default=None,
    help="Kata sandi admin pertama (jika kosong, ditanyakan).",
)
@with_appcontext
def init_command(admin_username: str, admin_name: str, admin_password: str | None) -> None:
    """Buat atau perbarui basis data, lalu buat admin pertama bila belum ada."""
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.errors import DomainError

    upgrade_database()
    click.echo("Basis data siap (skema terbaru).")
    if db.session.scalar(select(User.id).where(User.is_admin.is_(True)).limit(1)):
        click.echo("Admin sudah ada; tidak membuat admin baru.")
        return
    password = admin_password or click.prompt(
        "Kata sandi admin (min. 12 karakter)", hide_input=True, confirmation_prompt=True
    )

    def action():
        user = User(username=admin_username.lower(), full_name=admin_name, is_admin=True)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        return user

    try:
        run_transaction(action)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Admin '{admin_username}' dibuat.")


@click.command("demo")
@click.option("--serve/--no-serve", default=True, help="Jalankan server setelah data dibuat.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--password",
    default=None,
    help="Satu kata sandi untuk semua pengguna demo (default: acak, dicetak).",
)
@click.option(
    "--days",
    default=90,
    show_default=True,
    type=click.IntRange(0, 400),
    help="Hari penjualan, pembelian dan shift kasir yang dibuat (berakhir kemarin).",
)
@click.option(
    "--portfolio",
    is_flag=True,
    default=False,
    help="Buat portofolio pendamping: sepuluh koperasi dengan kesehatan beragam dan satu "
    "pendamping untuk semuanya (bukan koperasi Sukamaju).",
)
@with_appcontext
def demo_command(
    serve: bool, host: str, port: int, password: str | None, days: int, portfolio: bool
) -> None:
    """Buat koperasi demo "Koperasi Desa Merah Putih Sukamaju" (atau, dengan --portfolio,
    sepuluh koperasi dan pendampingnya) lalu jalankan server."""
    upgrade_database()
    if portfolio:
        from outlet_pos.core.errors import DomainError
        from outlet_pos.demo_portfolio import build_portfolio, portfolio_lines

        try:
            credentials = build_portfolio(password=password)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo("Portofolio pendamping siap (nomor pengguna = nomor koperasi):")
        for line in portfolio_lines():
            click.echo(f"  {line}")
    else:
        from outlet_pos.core.errors import DomainError
        from outlet_pos.demo import build_demo

        try:
            credentials = build_demo(password=password, days=days)
        except DomainError as exc:  # the password policy, e.g. a password holding a username
            raise click.ClickException(exc.message) from None
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo("Koperasi demo siap: Koperasi Desa Merah Putih Sukamaju (WITA).")
    click.echo("Pengguna demo (nama pengguna / kata sandi / peran):")
    for username, pw, role in credentials:
        click.echo(f"  {username:<12} {pw:<26} {role}")
    if serve:
        _serve(current_app._get_current_object(), host, port)


def _serve(app: Flask, host: str, port: int, threads: int = 4) -> None:
    from waitress import serve

    from outlet_pos.core.sync.cli import start_background

    if start_background(app) is not None:
        click.echo("Sinkron latar belakang aktif (lihat 'outlet-pos sync status').")
    click.echo(f"Server berjalan di http://{host}:{port}/  (Ctrl+C untuk berhenti)")
    serve(app, host=host, port=port, threads=threads, ident="outlet_pos")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Jalankan server (waitress)."""
    _serve(current_app._get_current_object(), host, port, threads)


@click.command("verify")
@with_appcontext
def verify_command() -> None:
    """Hitung ulang setiap invarian pembukuan; keluar dengan kode 1 bila ada pelanggaran."""
    from outlet_pos.core.db import read_only
    from outlet_pos.core.verify import verify_all

    with read_only():
        results = verify_all()
    bad = 0
    for coop, check, violations in results:
        mark = "OK " if not violations else "GAGAL"
        click.echo(f"[{mark}] {coop}: {check}")
        for v in violations:
            bad += 1
            click.echo(f"        - {v}")
    db.session.rollback()
    if not results:
        click.echo("Belum ada koperasi.")
    if bad:
        click.echo(f"{bad} pelanggaran ditemukan.", err=True)
        sys.exit(1)
    click.echo("Semua pemeriksaan lulus.")


def _sqlite_path() -> Path | None:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path), required=False)
@with_appcontext
def backup_command(target: Path | None) -> None:
    """Cadangkan basis data (SQLite: online backup API, aman saat kasir berjualan)."""
    src = _sqlite_path()
    if src is None:
        url = db.engine.url.set(drivername="postgresql")
        click.echo("Basis data PostgreSQL: gunakan pg_dump, misalnya:")
        click.echo(
            f"  pg_dump --format=custom --file=outlet_pos.dump "
            f"'{url.render_as_string(hide_password=True)}'"
        )
        return
    if target is None:
        from datetime import datetime

        target = (
            Path(current_app.instance_path)
            / "backup"
            / (f"outlet_pos-{datetime.now():%Y%m%d-%H%M%S}.db")
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise click.ClickException(f"Berkas {target} sudah ada; pilih nama lain.")
    source = sqlite3.connect(src)
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)
    finally:
        dest.close()
        source.close()
    click.echo(f"Cadangan tersimpan: {target}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Jangan tanya konfirmasi.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Pulihkan basis data SQLite dari berkas cadangan (server harus berhenti)."""
    dst = _sqlite_path()
    if dst is None:
        click.echo("Basis data PostgreSQL: gunakan pg_restore, misalnya:")
        click.echo("  pg_restore --clean --dbname=<url> outlet_pos.dump")
        return
    check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0]
        has_ledger = check.execute(
            "SELECT count(*) FROM sqlite_master WHERE name='journal_entry'"
        ).fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"Berkas bukan basis data yang sah: {exc}") from None
    finally:
        check.close()
    if ok != "ok" or not has_ledger:
        raise click.ClickException("Berkas cadangan rusak atau bukan cadangan outlet_pos.")
    if not yes:
        click.confirm(f"Timpa {dst} dengan {source}?", abort=True)
    db.session.remove()
    db.engine.dispose()
    src = sqlite3.connect(source)
    dest = sqlite3.connect(dst)
    try:
        with dest:
            src.backup(dest)
    finally:
        dest.close()
        src.close()
    click.echo(f"Basis data dipulihkan dari {source}. Jalankan 'outlet-pos verify'.")


@click.command("close-month")
@click.argument("cooperative_id", type=int)
@click.argument("year", type=int)
@click.argument("month", type=int)
@click.option("--user", "username", required=True, help="Nama pengguna yang menutup.")
@with_appcontext
def close_command(cooperative_id: int, year: int, month: int, username: str) -> None:
    """Tutup satu bulan pembukuan koperasi, setelah semua butir checklist beres."""
    from outlet_pos.core.access import User
    from outlet_pos.core.closing.month import checklist, close_month_checked
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.errors import DomainError
    from outlet_pos.core.tenancy import Cooperative

    coop = db.session.get(Cooperative, cooperative_id)
    user = db.session.scalar(select(User).where(User.username == username))
    if coop is None or user is None or not user.can("ledger.close", coop):
        raise click.ClickException("Koperasi atau pengguna tidak ditemukan / tidak berwenang.")
    if 1 <= month <= 12 and 2000 <= year <= 2100:
        failing = [row for row in checklist(coop, year, month) if not row.passed]
        db.session.rollback()
        for row in failing:
            click.echo(f"✗ {row.item.label}: {row.result.detail}")
        if failing:
            raise click.ClickException(
                "Bulan belum dapat ditutup; bereskan butir di atas (butir yang boleh dilewati "
                "dilewati dengan alasan di halaman Tutup bulan)."
            )
    try:
        period = run_transaction(close_month_checked, coop, year, month, user)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Periode {period.label} ditutup.")


@click.group("export")
def export_group() -> None:
    """Ekspor data koperasi ke format sistem lain."""


@export_group.command("simkopdes")
@click.option("--cooperative-id", "cooperative_id", type=int, required=True)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder tujuan (satu CSV per tabel), atau nama berkas .zip.",
)
@with_appcontext
def export_simkopdes_command(cooperative_id: int, out: Path) -> None:
    """Tulis data koperasi dalam tabel SIMKOPDES (CSV per tabel + manifest.csv)."""
    from outlet_pos.core.db import read_only
    from outlet_pos.core.simkopdes import export
    from outlet_pos.core.tenancy import Cooperative

    is_zip = out.suffix.lower() == ".zip"
    if is_zip and out.exists():
        raise click.ClickException(f"Berkas {out} sudah ada; pilih nama lain.")
    if not is_zip and out.exists() and not out.is_dir():
        raise click.ClickException(f"{out} bukan folder.")
    with read_only():
        coop = db.session.get(Cooperative, cooperative_id)
        if coop is None:
            raise click.ClickException("Koperasi tidak ditemukan.")
        ref = export.koperasi_ref(coop)
        if is_zip:
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                with out.open("xb") as target:
                    counts = export.write_zip(coop, target)
            except BaseException:
                out.unlink(missing_ok=True)  # never leave half a bundle behind
                raise
        else:
            counts = export.write_directory(coop, out)
    db.session.rollback()
    for name, rows in counts.items():
        click.echo(f"  {name:<28} {rows:>9}")
    click.echo(f"SIMKOPDES {ref}: {len(counts)} tabel, {sum(counts.values())} baris -> {out}")


COMMANDS = [
    init_command,
    demo_command,
    serve_command,
    verify_command,
    backup_command,
    restore_command,
    close_command,
    export_group,
]


def register_commands(app: Flask) -> None:
    from outlet_pos.core.sync.cli import sync_group

    app.cli.add_command(sync_group)
    for command in COMMANDS:
        app.cli.add_command(command)

"""``outlet-pos sync``: push now (the default), register, status; and on a server, issue a
registration code or publish master data. Also the background pusher of ``outlet-pos serve``.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.extensions import db

log = logging.getLogger("outlet_pos.sync")


def _fail(exc: DomainError) -> click.ClickException:
    return click.ClickException(exc.message if hasattr(exc, "message") else str(exc))


@click.group("sync", invoke_without_command=True)
@click.pass_context
@with_appcontext
def sync_group(ctx: click.Context) -> None:
    """Kirim pembukuan gerai ke server kabupaten dan ambil data induk terbaru."""
    if ctx.invoked_subcommand is not None:
        return
    from outlet_pos.core.sync import outlet

    try:
        result = outlet.sync_once()
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(
        f"Terkirim {result.records} catatan dalam {result.batches} batch; "
        f"sisa antrean {result.backlog}."
    )
    for kind in result.master_applied:
        click.echo(f"Data induk baru diterapkan: {kind}")


@sync_group.command("register")
@click.option("--server", "server_url", required=True, help="Alamat server, mis. https://...")
@click.option("--code", required=True, help="Kode pendaftaran sekali pakai dari admin kabupaten.")
@click.option("--cooperative-id", "cooperative_id", type=int, default=None)
@with_appcontext
def register_command(server_url: str, code: str, cooperative_id: int | None) -> None:
    """Daftarkan gerai ini ke server kabupaten (sekali)."""
    from sqlalchemy import select

    from outlet_pos.core.sync import outlet
    from outlet_pos.core.tenancy import Cooperative

    stmt = select(Cooperative).order_by(Cooperative.id)
    if cooperative_id is not None:
        stmt = stmt.where(Cooperative.id == cooperative_id)
    coops = db.session.scalars(stmt).all()
    if len(coops) != 1:
        raise click.ClickException("Sebutkan --cooperative-id (ada lebih dari satu koperasi).")
    try:
        outlet.register(coops[0], server_url, code)
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(f"Terdaftar ke {server_url}. Jalankan 'outlet-pos sync' untuk mengirim.")


@sync_group.command("status")
@with_appcontext
def status_command() -> None:
    """Kapan terakhir tersinkron dan berapa catatan menunggu."""
    from outlet_pos.core.sync import outlet

    link = outlet.link_for()
    if link is None:
        click.echo("Gerai ini belum terdaftar ke server sinkron.")
        return
    st = outlet.status(link.cooperative_id)
    click.echo(f"Server: {st.server_url}")
    click.echo(f"Terakhir tersinkron: {st.last_sync_at or 'belum pernah'} (UTC)")
    click.echo(f"Catatan menunggu: {st.backlog}")
    if st.last_error:
        click.echo(f"Galat terakhir: {st.last_error}")


@sync_group.command("issue-code")
@click.option("--name", required=True, help="Nama koperasi yang akan mendaftar.")
@click.option("--timezone", default="WIB", type=click.Choice(["WIB", "WITA", "WIT"]))
@with_appcontext
def issue_code_command(name: str, timezone: str) -> None:
    """(Server) Buat koperasi kosong dan kode pendaftaran sekali pakai untuk gerainya."""
    from outlet_pos.core.sync import server

    try:
        coop, code = run_transaction(server.issue_code, name, timezone=timezone)
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(f"Koperasi #{coop.id} {coop.name}")
    click.echo(f"Kode pendaftaran (berlaku {server.CODE_DAYS} hari, sekali pakai): {code}")


@sync_group.command("publish")
@click.argument("kind")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default="")
@with_appcontext
def publish_command(kind: str, source: Path, note: str) -> None:
    """(Server) Terbitkan versi baru data induk (het_pupuk, health_rubric) dari berkas JSON."""
    from outlet_pos.core.sync import master

    try:
        payload = json.loads(source.read_text("utf-8"))
    except ValueError as exc:
        raise click.ClickException(f"Berkas bukan JSON yang sah: {exc}") from None
    try:
        row = run_transaction(master.publish, kind, payload, note)
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(f"{kind} versi {row.version} diterbitkan.")


@sync_group.command("revoke")
@click.option("--cooperative-id", "cooperative_id", type=int, required=True)
@with_appcontext
def revoke_command(cooperative_id: int) -> None:
    """(Server) Cabut kunci gerai sebuah koperasi: kirimannya ditolak sejak saat ini."""
    from sqlalchemy import select

    from outlet_pos.core.sync.models import SyncInstallation

    def action() -> bool:
        inst = db.session.scalar(
            select(SyncInstallation).where(SyncInstallation.cooperative_id == cooperative_id)
        )
        if inst is None:
            return False
        inst.status = "revoked"
        inst.code_hash = ""
        return True

    if not run_transaction(action):
        raise click.ClickException("Koperasi ini tidak punya gerai terdaftar di server ini.")
    click.echo("Kunci gerai dicabut; kirimannya akan ditolak.")


def start_background(app: Flask) -> threading.Thread | None:
    """While ``serve`` runs on a linked outlet, push every ``SYNC_INTERVAL`` seconds.

    Failures (no line for days) are recorded on the link for the cashier to see, never raised.
    """
    interval = app.config.get("SYNC_INTERVAL", 300)
    if interval <= 0:
        return None
    with app.app_context():
        from outlet_pos.core.sync import outlet

        if outlet.link_for() is None:
            return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            with app.app_context():
                try:
                    outlet.sync_once()
                except DomainError as exc:
                    log.info("sync: %s", exc)
                except Exception:  # noqa: BLE001 - the counter must keep selling
                    log.exception("sync failed")
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name="outlet-pos-sync", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]  # tests and a clean shutdown set it
    thread.start()
    return thread

"""Report downloads for every workspace and unit: the letterhead frame of the signed-in
cooperative and user, and the ``?fmt=pdf|xlsx`` answer of a report page."""

from __future__ import annotations

from flask import Response, request
from flask_login import current_user

from outlet_pos.core.db import utcnow
from outlet_pos.core.documents import ReportFrame
from outlet_pos.core.documents.tables import MIMETYPES, Table, render_table
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.formatting import tanggal


def report_frame(
    coop: Cooperative, title: str, period: str, *, subtitle: str = "", wide: bool = False
) -> ReportFrame:
    local = coop.local_time(utcnow())
    address = ", ".join(p for p in (coop.address, coop.desa, coop.kabupaten, coop.provinsi) if p)
    return ReportFrame(
        coop_name=coop.name,
        coop_address=address,
        title=title,
        period_label=period,
        printed_by=current_user.full_name,
        printed_at=f"{tanggal(local)} {local:%H:%M} {coop.timezone}",
        subtitle=subtitle,
        landscape=wide,
    )


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def send_report(
    coop: Cooperative,
    table: Table,
    title: str,
    period: str,
    name: str,
    *,
    subtitle: str = "",
    arg: str = "fmt",
) -> Response | None:
    """The PDF or workbook asked for by ``?fmt=`` (or another query argument), or None so the
    view renders its page."""
    fmt = request.args.get(arg)
    if fmt not in MIMETYPES:
        return None
    frame = report_frame(coop, title, period, subtitle=subtitle, wide=table.landscape)
    return attachment(render_table(fmt, frame, table), MIMETYPES[fmt], f"{name}.{fmt}")

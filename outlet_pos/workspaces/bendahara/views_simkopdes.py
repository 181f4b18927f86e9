"""The treasurer's SIMKOPDES export page: what each national table will hold (row counts),
the whole bundle as a ZIP and each table as its own CSV.

Reading only: the export builds its codes from the data, so a download writes nothing and
runs in the deferred (non-blocking) read transaction of a GET. Who may download is who may
read the books (``ledger.view``): every role holding it may already see the members.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from flask import Response, abort, render_template

from outlet_pos.core.access import requires
from outlet_pos.core.simkopdes import export
from outlet_pos.core.simkopdes.dictionary import dictionary
from outlet_pos.core.tenancy import require_cooperative
from outlet_pos.shell.downloads import attachment
from outlet_pos.workspaces.bendahara import bp

PERMISSION = "ledger.view"
SPOOL_BYTES = 16 * 1024 * 1024  # a bigger bundle goes to a temporary file, not to memory


@bp.route("/simkopdes")
@requires(PERMISSION)
def simkopdes():
    coop = require_cooperative()
    counts = export.row_counts(coop)
    tables = [
        {
            "name": name,
            "rows": counts[name],
            "columns": len(dictionary()[name]),
            "note": export.TABLES[name].note,
        }
        for name in export.table_names()
    ]
    return render_template(
        "bendahara/simkopdes.html",
        tables=tables,
        omitted=export.OMITTED,
        koperasi_ref=export.koperasi_ref(coop),
        total=sum(counts.values()),
    )


@bp.route("/simkopdes/unduh")
@requires(PERMISSION)
def simkopdes_zip():
    coop = require_cooperative()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        export.write_zip(coop, spool)
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    name = f"simkopdes-{export.koperasi_ref(coop)}-{coop.today():%Y%m%d}.zip"
    return Response(
        _read_and_close(spool),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(size),
        },
    )


def _read_and_close(spool) -> Iterator[bytes]:
    """The finished ZIP in 256 KB pieces; the temporary file goes when the response ends
    (or is dropped half-way: the generator's ``finally`` runs then too)."""
    try:
        spool.seek(0)
        while chunk := spool.read(256 * 1024):
            yield chunk
    finally:
        spool.close()


@bp.route("/simkopdes/<table>.csv")
@requires(PERMISSION)
def simkopdes_csv(table: str):
    coop = require_cooperative()
    if table not in export.TABLES:
        abort(404)
    return attachment(export.table_csv(coop, table), "text/csv; charset=utf-8", f"{table}.csv")

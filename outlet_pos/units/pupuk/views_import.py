"""The e-RDKK import page: upload, preview with every row's problems and a summary, then
confirm. The file stays on the server between the two steps (``shell.uploads.stash``) and is
read again on confirm, inside the one transaction that writes it."""

from __future__ import annotations

import csv
import io

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.tenancy import require_cooperative
from outlet_pos.shell.uploads import stash, stashed
from outlet_pos.units.pupuk import allocations, bp
from outlet_pos.units.pupuk.forms import ImportForm
from outlet_pos.units.pupuk.services import season_of
from outlet_pos.units.pupuk.views_common import user


@bp.route("/alokasi/impor", methods=["GET", "POST"])
@requires("pupuk.manage")
def import_allocations():
    coop = require_cooperative()
    me = user()
    form = ImportForm()
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        upload = form.file.data
        try:
            if upload:
                raw, filename = upload.read(allocations.MAX_BYTES + 1), upload.filename or ""
                preview = allocations.preview_allocations(coop, raw, filename)
                form.token.data = stash("rdkk", coop.id, me.id, raw)
                form.filename.data = filename
            else:
                path = stashed("rdkk", coop.id, me.id, form.token.data)
                if path is None:
                    raise ValidationError("Pilih berkas CSV atau Excel.", field="file")
                raw, filename = path.read_bytes(), form.filename.data or ""
                preview = allocations.preview_allocations(coop, raw, filename)
                if request.form.get("confirm") and preview.ok:
                    done = run_transaction(allocations.apply_allocations, coop, raw, filename, me)
                    path.unlink(missing_ok=True)
                    flash(
                        _(
                            "Impor e-RDKK selesai: %(farmers_new)s petani baru, %(new)s alokasi "
                            "baru, %(changed)s diubah, %(same)s tetap.",
                            farmers_new=done.farmers_new,
                            new=done.count("baru"),
                            changed=done.count("ubah"),
                            same=done.count("sama"),
                        ),
                        "success",
                    )
                    return redirect(url_for("pupuk.farmers"))
        except DomainError as exc:
            (form.file.errors if exc.field == "file" else form.form_errors).append(exc.message)
    failed = preview is None or not preview.ok or bool(form.form_errors)
    status = 400 if request.method == "POST" and failed else 200
    return render_template(
        "pupuk/import.html", form=form, preview=preview, season=season_of(coop.today())
    ), status


@bp.route("/alokasi/impor/contoh.csv")
@requires("pupuk.view")
def import_template():
    """A small example file with the expected columns, to fill in a spreadsheet."""
    season = season_of(require_cooperative().today())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["nik", "nama", "poktan", "desa", "jenis", "musim", "kg"])
    writer.writerow(["3201011205850001", "Contoh Petani", "Tani Makmur", "Sukamaju", "urea",
                     season, "150"])  # fmt: skip
    writer.writerow(["3201011205850001", "Contoh Petani", "Tani Makmur", "Sukamaju", "npk",
                     season, "200"])  # fmt: skip
    return Response(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="contoh-erdkk.csv"'},
    )

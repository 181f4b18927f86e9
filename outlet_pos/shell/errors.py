"""Error pages in Bahasa Indonesia; JSON for API paths."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: ("Permintaan tidak valid", "Data yang dikirim tidak dapat diproses."),
    403: ("Akses ditolak", "Peran Anda tidak memiliki izin untuk halaman ini."),
    404: ("Tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
    405: ("Metode tidak diizinkan", "Aksi ini tidak dapat dilakukan dengan cara tersebut."),
    413: ("Data terlalu besar", "Ukuran data yang dikirim melebihi batas."),
    429: ("Terlalu banyak percobaan", "Tunggu sebentar sebelum mencoba lagi."),
    500: (
        "Terjadi kesalahan",
        "Maaf, terjadi kesalahan di sistem. Tidak ada data yang tersimpan "
        "sebagian; silakan coba lagi.",
    ),
}


def _render(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify(
            {"error": {"status": status, "title": title, "message": detail or message}}
        ), status
    return render_template(
        "error.html", status=status, title=title, message=detail or message
    ), status


def register_error_handlers(app: Flask) -> None:
    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, lambda e, s=status: _render(s))

    @app.errorhandler(CSRFError)
    def _csrf(_e):
        return _render(
            400,
            "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu kirim lagi.",
        )

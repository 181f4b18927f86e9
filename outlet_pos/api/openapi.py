"""/api/v1/openapi.json: the OpenAPI 3.0.3 description of every API route, written from the
app's own URL map and the ``Operation`` each view carries (see ``spec.endpoint``). The
schemas in it are the ones the API checks requests with, so the document is true by
construction; tests/api/test_openapi.py walks the URL map against it and validates real
answers against the response schemas.
"""

from __future__ import annotations

import copy
import re

from flask import Flask, current_app

from outlet_pos.api.schema import COMPONENTS, ident, nullable, obj, ref, string
from outlet_pos.api.spec import IDEMPOTENCY_HEADER, IDEMPOTENCY_SCHEMA, Operation, endpoint
from outlet_pos.api.tokens import SCOPES

PREFIX = "/api/v1"
ARGUMENT = re.compile(r"<(?:([a-z]+):)?([a-z_]+)>")
ERROR_FIELDS = {
    "error": string(minLength=1, description="Pesan untuk manusia, Bahasa Indonesia."),
    "field": nullable(string(description="Isian, parameter atau header yang salah.")),
    "code": string(minLength=1, description="Kode untuk program, mis. validation_error."),
}
COMPONENTS["Error"] = obj(ERROR_FIELDS, list(ERROR_FIELDS))
COMPONENTS["SimulatorError"] = obj(
    {**ERROR_FIELDS, "parameter": nullable(string(description="Sama dengan field (nama lama)."))},
    [*ERROR_FIELDS, "parameter"],
)
ERRORS = {
    400: "Parameter, header atau badan JSON tidak valid (field menyebut yang salah).",
    401: "Token tidak ada, tidak dikenal, dicabut, kedaluwarsa, atau pemiliknya tidak aktif "
    "atau tidak lagi berperan di koperasi.",
    403: "Token tanpa cakupan ini, atau peran pengguna tidak mengizinkan (termasuk ubah harga "
    "dan diskon di atas batas).",
    404: "Data tidak ditemukan (termasuk milik koperasi lain).",
    409: "Idempotency-Key sudah dipakai untuk isi, alamat atau pengguna lain.",
    413: "Badan permintaan lebih dari 256 KB.",
    415: "Badan permintaan bukan application/json.",
    422: "Ditolak aturan usaha (stok, shift, pembayaran, saldo...); tidak ada yang tersimpan.",
    429: "Terlalu banyak permintaan dari token (atau alamat) ini dalam satu menit; ulangi "
    "sebentar lagi (POST dengan Idempotency-Key yang sama).",
}
DESCRIPTION = """API JSON koperasi: katalog, anggota, penjualan, simpanan, angsuran, laporan.

**Autentikasi.** `Authorization: Bearer opk_...`; token dibuat pengurus di halaman Token API,
untuk satu pengguna, satu koperasi dan satu perangkat, dengan cakupan. Hak yang berlaku =
cakupan token DAN izin peran pengguna di koperasi saat permintaan.

**Idempotensi.** Setiap POST wajib membawa `Idempotency-Key` (1-64 karakter). Mengulang dengan
kunci dan isi yang sama mengembalikan jawaban pertama apa adanya (header
`Idempotent-Replayed: true`) tanpa mencatat dua kali; kunci sama dengan isi lain: 409.
Permintaan yang ditolak tidak menyimpan apa pun, jadi boleh diulang dengan kunci yang sama.

**Uang dan jumlah.** Uang dalam rupiah bulat (integer); kuantitas sebagai teks desimal.

**Galat.** Selalu JSON: `{"error": "...", "field": ..., "code": "..."}`."""


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []
    for converter, name in ARGUMENT.findall(rule):
        if converter != "int":
            raise ValueError(f"{rule}: only <int:...> path parameters are described")
        params.append(
            {"name": name, "in": "path", "required": True, "schema": ident(), "description": "Id."}
        )
    path = ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule)[len(PREFIX) :] or "/"
    return path, params


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(name: str, rule: str, op: Operation) -> tuple[str, dict]:
    path, params = _path(rule)
    params += [
        {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": p.description,
            "schema": p.schema,
        }
        for p in op.params
    ]
    if op.idempotent:
        params.append(
            {
                "name": IDEMPOTENCY_HEADER,
                "in": "header",
                "required": True,
                "description": "Kunci unik per transaksi (mis. UUID); sama persis saat mengulang.",
                "schema": IDEMPOTENCY_SCHEMA,
            }
        )
    responses: dict[str, dict] = {}
    for status, (description, schema) in op.responses.items():
        responses[str(status)] = _json(description, schema)
        if op.idempotent:
            responses[str(status)]["headers"] = {
                "Idempotent-Replayed": {
                    "description": "true bila ini jawaban tersimpan dari permintaan pertama.",
                    "schema": {"type": "string", "enum": ["true", "false"]},
                }
            }
    error = ref("SimulatorError" if op.legacy_parameter else "Error")
    codes = [400]
    if not op.public:
        codes += [401, 403]
    if op.not_found or any(p["in"] == "path" for p in params):
        codes.append(404)
    if op.idempotent:
        codes.append(409)
    if op.body is not None:
        codes += [413, 415]
    if op.business_rules:
        codes.append(422)
    codes.append(429)  # every operation is rate limited per token (api/__init__.py)
    for code in sorted(codes):
        responses[str(code)] = _json(ERRORS[code], error)
    if 401 in codes:
        responses["401"]["headers"] = {
            "WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}
        }
    doc: dict = {
        "operationId": name,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": params,
        "responses": responses,
    }
    if op.description:
        doc["description"] = op.description
    if op.public:
        doc["security"] = []
    elif op.scope:
        doc["description"] = (
            f"{op.description}\n\n" if op.description else ""
        ) + f"Cakupan: `{op.scope}`; izin peran: `{op.permission}`."
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": op.body}},
        }
    return path, doc


def build(app: Flask) -> dict:
    """The document for ``app``: every rule under /api/v1 whose view declares an Operation."""
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        view = app.view_functions[rule.endpoint]
        op = getattr(view, "api_operation", None)
        if op is None:
            continue  # undeclared: left out here, and tests/api/test_openapi.py fails on it
        path, doc = _operation(rule.endpoint.split(".", 1)[-1], rule.rule, op)
        paths.setdefault(path, {})[op.method.lower()] = doc
    scopes = {name: scope.label for name, scope in SCOPES.items()}
    return {
        "openapi": "3.0.3",
        "info": {"title": "outlet_pos API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": PREFIX}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": t}
            for t in (
                "Token",
                "Katalog",
                "Anggota",
                "Penjualan",
                "Simpan pinjam",
                "Laporan",
                "Dokumen",
            )
        ],
        "paths": paths,
        "components": {
            "schemas": copy.deepcopy(COMPONENTS),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "opk_ + 43 karakter",
                    "description": "Cakupan: " + "; ".join(f"{k} ({v})" for k, v in scopes.items()),
                }
            },
        },
    }


@endpoint(
    "/openapi.json",
    Operation(
        "GET",
        "Dokumen OpenAPI ini",
        "Dokumen",
        {200: ("Deskripsi OpenAPI 3.0.3 API v1.", {"type": "object"})},
        public=True,
    ),
)
def openapi_document(call):
    del call
    doc = current_app.extensions.get("outlet_pos_openapi")
    if doc is None:
        doc = current_app.extensions["outlet_pos_openapi"] = build(current_app)
    return doc

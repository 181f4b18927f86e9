"""Assembly of the Flask application: extensions, engine settings, blueprints, the shell."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, request, session
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from outlet_pos import config as settings
from outlet_pos.core.tenancy import MAX_ROW_ID
from outlet_pos.extensions import babel, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'; connect-src 'self'"
)


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in a URL names a row id (or a year): a number past the id columns' range
    is no row, so the URL matches nothing (404) instead of reaching the database, which
    refuses to compare with it (PostgreSQL: integer out of range; SQLite cannot bind past 64
    bits) and would answer 500 (found by tests/fuzz)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


# The names of core.access.ROLES, marked for translation (the role_label filter translates them;
# tests/web/test_translations.py checks that this list and ROLES agree).
ROLE_NAMES = (
    _l("Admin sistem"), _l("Pengurus"), _l("Bendahara"), _l("Pengawas"), _l("Kasir"),
    _l("Apoteker"), _l("Petugas klinik"), _l("Petugas logistik"), _l("Pendamping"),
)  # fmt: skip


def build_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        "outlet_pos",
        instance_path=str(settings.instance_path()),
        template_folder=str(settings.PROJECT_ROOT / "templates"),
        static_folder=str(settings.PROJECT_ROOT / "static"),
    )
    # Before any blueprint adds a rule: every ``<int:...>`` in a URL becomes a row id.
    app.url_map.converters["int"] = RowIdConverter
    app.config.update(settings.from_environment())
    if config:
        app.config.update(config)

    # Import models so metadata is complete before migrations or queries run.
    from outlet_pos import models  # noqa: F401

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True
    )
    login_manager.init_app(app)
    login_manager.login_view = "shell.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)

    from outlet_pos.core.db import configure_engine

    with app.app_context():
        configure_engine(db.engine)
        # A linked outlet must capture every change from its first write (DESIGN §2.8).
        from outlet_pos.core.sync.capture import ensure_capture

        ensure_capture(db.engine)

    _register_shell(app)
    from outlet_pos.api import bp as api_bp
    from outlet_pos.shell import bp as shell_bp
    from outlet_pos.units.apotek import bp as apotek_bp
    from outlet_pos.units.klinik import bp as klinik_bp
    from outlet_pos.units.logistik import bp as logistik_bp
    from outlet_pos.units.lokal import bp as lokal_bp
    from outlet_pos.units.pupuk import bp as pupuk_bp
    from outlet_pos.units.sembako import bp as sembako_bp
    from outlet_pos.units.simpan_pinjam import bp as simpin_bp
    from outlet_pos.workspaces.admin import bp as admin_bp
    from outlet_pos.workspaces.bendahara import bp as bendahara_bp
    from outlet_pos.workspaces.kasir import bp as kasir_bp
    from outlet_pos.workspaces.laporan import bp as laporan_bp
    from outlet_pos.workspaces.pendamping import bp as pendamping_bp
    from outlet_pos.workspaces.rencana import bp as rencana_bp

    app.register_blueprint(shell_bp)
    app.register_blueprint(bendahara_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(kasir_bp)
    app.register_blueprint(sembako_bp)
    app.register_blueprint(laporan_bp)
    app.register_blueprint(simpin_bp)
    app.register_blueprint(pupuk_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(pendamping_bp)
    app.register_blueprint(rencana_bp)
    app.register_blueprint(klinik_bp)
    app.register_blueprint(apotek_bp)
    app.register_blueprint(logistik_bp)
    app.register_blueprint(lokal_bp)
    from outlet_pos.core.sync.web import bp as sync_bp

    csrf.exempt(sync_bp)
    app.register_blueprint(sync_bp)

    from outlet_pos.cli import register_commands

    register_commands(app)
    return app


def _select_locale() -> str:
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return "id"


@login_manager.user_loader
def _load_user(user_id: str):
    from sqlalchemy.orm import joinedload

    from outlet_pos.core.access import User

    ident, _, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    # Every request asks for the user's roles (the nav, every permission check): load the
    # memberships with the user, one query instead of two.
    user = db.session.get(User, int(ident), options=[joinedload(User.memberships)])
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _register_shell(app: Flask) -> None:
    from outlet_pos import formatting
    from outlet_pos.core.db import set_read_only
    from outlet_pos.core.tenancy import Cooperative

    @app.before_request
    def _refuse_nul() -> None:
        # PostgreSQL keeps no NUL character in text and would fail the write half-way with a
        # 500; nobody types one, so the whole request is refused first (found by tests/fuzz).
        values = [*request.args.listvalues(), *request.form.listvalues()]
        if any("\x00" in v for vs in values for v in vs) or (
            request.is_json and b"\\u0000" in request.get_data()
        ):
            abort(400)

    @app.before_request
    def _before() -> None:
        # Every request reads in a deferred SQLite transaction, so a page or a report never
        # blocks the counter; a business action (run_transaction) ends that read and begins
        # IMMEDIATE, so writers queue only for the action itself (core/db.py).
        g._ro_token = set_read_only(True)
        g.cooperative = None
        if current_user.is_authenticated:
            coop_id = session.get("coop_id")
            coop = db.session.get(Cooperative, coop_id) if coop_id else None
            if coop is not None and not current_user.roles_in(coop):
                coop = None
            if coop is None:
                coops = current_user.cooperatives()
                if len(coops) == 1:
                    coop = coops[0]
                    session["coop_id"] = coop.id
            g.cooperative = coop

    @app.teardown_request
    def _teardown(_exc) -> None:
        from outlet_pos.core.db import _read_only

        token = g.pop("_ro_token", None)
        if token is not None:
            _read_only.reset(token)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    formatting.register(app)

    from outlet_pos.core.access import ROLES
    from outlet_pos.shell.nav import nav_groups

    # ROLES stays plain Indonesian data; the filter translates a role's name when a page shows
    # it (the names are marked for `pybabel extract` in ROLE_NAMES above).
    app.jinja_env.filters["role_label"] = lambda role: (
        gettext(ROLES[role]) if role in ROLES else role
    )
    # A form's one-time key: 128 random bits, so two forms never share one (a shared key
    # would answer a new deposit with an old one's result; found by the soak's review).
    app.jinja_env.globals["once_key"] = lambda: uuid.uuid4().hex

    @app.context_processor
    def _shell_context() -> dict:
        from flask_babel import get_locale

        return {"nav_groups": nav_groups, "languages": LANGUAGES, "get_locale": get_locale}

    from outlet_pos.shell.errors import register_error_handlers

    register_error_handlers(app)

"""The web shell: login, cooperative choice, language, home, audit log."""

from flask import Blueprint

bp = Blueprint("shell", __name__)

from outlet_pos.shell import views  # noqa: E402,F401

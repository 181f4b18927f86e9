"""outlet_pos: point of sale, stock and books for Koperasi Desa/Kelurahan Merah Putih outlets.

``create_app`` is the only place an application is built (Flask tutorial style). Importing
the package stays cheap: Flask and the models load only when an app is created.
"""

from __future__ import annotations

from typing import Any


def create_app(config: dict[str, Any] | None = None):
    """Build the Flask app from the environment, overridden by ``config`` (tests, CLI)."""
    from outlet_pos.app import build_app

    return build_app(config)

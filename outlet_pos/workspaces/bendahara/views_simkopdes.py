"""The treasurer's SIMKOPDES export page."""

from outlet_pos.workspaces.bendahara import bp  # noqa: F401

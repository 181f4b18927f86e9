"""bank pages of the treasurer's desk."""

from outlet_pos.workspaces.bendahara import bp  # noqa: F401

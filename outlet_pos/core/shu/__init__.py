"""SHU (sisa hasil usaha): allocation pools, each member's share, distribution and payout."""

from outlet_pos.core.shu import checks as _checks  # noqa: E402

_checks.register()

"""Fixed assets: the register, and straight-line depreciation posted month by month."""

from outlet_pos.core.assets import checks

checks.register()

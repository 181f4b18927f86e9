"""Fixed assets: the register, and straight-line depreciation posted month by month."""

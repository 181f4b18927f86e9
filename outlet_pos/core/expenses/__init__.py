"""Expenses and other income paid from cash (inside a shift) or a bank account, with recurring
expenses such as rent and salaries."""

from outlet_pos.core.expenses import checks

checks.register()

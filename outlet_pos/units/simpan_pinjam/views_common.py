"""What every simpan pinjam page does the same way: the user and their open shift (running
one business action is ``shell.actions.act``)."""

from __future__ import annotations

from flask_login import current_user

from outlet_pos.core.sales.shifts import open_shift_for


def user():
    return current_user._get_current_object()


def my_shift():
    return open_shift_for(user())

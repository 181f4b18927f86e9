"""What every simpan pinjam page does the same way: the user, their open shift, and running
one business action with its error turned into a flashed Indonesian message."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from flask_login import current_user

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.sales.shifts import open_shift_for


def user():
    return current_user._get_current_object()


def my_shift():
    return open_shift_for(user())


def act(back: str, fn: Callable, *args, done: str | Callable = "", **kwargs):
    """Run one action in one transaction; flash success or the refusal, then go back."""
    try:
        result = run_transaction(fn, *args, **kwargs)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back)
    message = done(result) if callable(done) else done
    if message:
        flash(message, "success")
    return redirect(back)


def parsed(back: str, fn: Callable, *args):
    """Read a small action form with ``fn``; on a refusal flash it and give the redirect to
    return instead (``(values, None)`` or ``(None, response)``)."""
    try:
        return fn(*args), None
    except DomainError as exc:
        flash(exc.message, "error")
        return None, redirect(back)

"""How a page runs one business action: one transaction, the refusal flashed in Indonesian,
then back to the page it came from."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError


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

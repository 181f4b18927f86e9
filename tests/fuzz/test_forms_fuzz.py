"""Every HTML form fed generated input (issue 10): no 500, and no partial write on a refusal.

One test per group of blueprints, each in its own fuzz world (``conftest.py``). For each POST
route outside ``/api/`` the fuzzer signs in as a user that may use it, finds the route's form
on the pages that user can open (``crawl.py``), and posts hypothesis-generated submissions
(``values.py``), judging every answer (``runner.py``). ``OUTLET_POS_FUZZ_EXAMPLES`` sets the
examples per route (default ``runner.DEFAULT_EXAMPLES``); every run is derandomized.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from tests.fuzz.crawl import best_form, discover, fields_from_code, get_rules
from tests.fuzz.plan import (
    ACCEPTED_WITH_200,
    EXCLUDED,
    FORM_NOT_SHOWN,
    GROUPS,
    LAST,
    PLAUSIBLE_FOR,
    USER_FOR,
    WRITES_ON_REFUSAL,
    group_of,
    post_rules,
    role_of,
    sample_overrides,
    user_for,
)
from tests.fuzz.runner import RouteFuzzer, Session, max_examples
from tests.fuzz.values import carts, payloads
from tests.web.test_access import _sample_args

# Answers that mean the fuzzer never got past the door: the route's own logic never ran.
UNREACHED = {403, 404, 405}


def _args_for(world: dict):
    def args_for(rule) -> dict:
        # A rule's defaults are arguments too (``/produk/baru`` with ``product_id=None``), but
        # sending them would build the URL of the endpoint's other rule.
        defaults = rule.defaults or {}
        args = {k: v for k, v in _sample_args(rule, world).items() if k not in defaults}
        extra = sample_overrides(rule.endpoint, world["fuzz"])
        return args | {k: v for k, v in extra.items() if k in args}

    return args_for


def _user(app, rule) -> str | None:
    return user_for(rule.endpoint, app.view_functions[rule.endpoint].permission)


def _strategy(app, rule, forms, args: dict, world: dict):
    """The submissions for one route, and where its field names came from."""
    if rule.endpoint == "kasir.checkout_json":
        return carts(world["item"], world["member"]), "cart JSON"
    form = best_form(forms.get(rule.endpoint, []), args)
    if form is not None:
        fields, source = form.field_map(), "page"
    else:
        fields = {f.name: f for f in fields_from_code(app.view_functions[rule.endpoint])}
        source = "code"
    int_args = [name for name, value in args.items() if isinstance(value, int)]
    today = date.today().isoformat()
    overrides = PLAUSIBLE_FOR.get(rule.endpoint)
    strategy = payloads(fields, args, int_args, today, overrides)
    return strategy, f"{source}: {', '.join(fields) or '-'}"


def _find_forms(app, rules, world, args_for) -> tuple[dict, dict]:
    """Sign in each user the group needs and read the forms off the pages they can open."""
    by_user: dict[str | None, list] = {}
    for rule in rules:
        by_user.setdefault(_user(app, rule), []).append(rule)
    sessions, forms = {}, {}
    for username, user_rules in by_user.items():
        sessions[username] = Session(app, username, world["a"])
        blueprints = {r.endpoint.split(".", 1)[0] for r in user_rules}
        pages = get_rules(app, role_of(username), blueprints)
        found = discover(app, sessions[username].client, pages, args_for)
        forms |= {r.endpoint: found.get(r.endpoint, []) for r in user_rules}
    return sessions, forms


@pytest.mark.parametrize("group", GROUPS)
def test_every_form_in_the_group_survives_generated_input(app, fuzz_world, group):
    args_for = _args_for(fuzz_world)
    rules = [r for r in post_rules(app) if group_of(r.endpoint) == group]
    rules = [r for r in rules if r.endpoint not in EXCLUDED]
    sessions, forms = _find_forms(app, rules, fuzz_world, args_for)
    failures, report, unreached, unseen = [], [], [], []
    for rule in rules:
        args = args_for(rule)
        strategy, source = _strategy(app, rule, forms, args, fuzz_world)
        if source.startswith("code") and rule.endpoint not in FORM_NOT_SHOWN:
            unseen.append(rule.endpoint)
        ignore = WRITES_ON_REFUSAL.get(rule.endpoint, (set(), ""))[0]
        username = _user(app, rule)
        started = time.perf_counter()
        ok_200 = rule.endpoint in ACCEPTED_WITH_200
        fuzzer = RouteFuzzer(app, sessions[username], rule, fuzz_world["a"], ignore, ok_200)
        outcome = fuzzer.run(strategy)
        failures += outcome.failures
        statuses = dict(sorted(outcome.statuses.items()))
        seconds = time.perf_counter() - started
        who = username or "anonim"
        report.append(f"{rule.endpoint:34} {who:18} {seconds:5.2f}s {statuses} [{source[:60]}]")
        if set(outcome.statuses) <= UNREACHED:
            unreached.append(f"{rule.endpoint}: only {statuses}")
    print(f"\n{group}: {len(rules)} routes x {max_examples()} examples\n  " + "\n  ".join(report))
    assert failures == [], f"{len(failures)} failures:\n\n" + "\n\n".join(failures)
    assert unreached == [], "routes the fuzzer never got past the door of:\n" + "\n".join(unreached)
    assert unseen == [], (
        "no page in the fuzz world shows these routes' forms: make the world show them, or "
        f"say why in plan.FORM_NOT_SHOWN: {unseen}"
    )


def test_every_post_route_is_fuzzed_or_excluded_with_a_reason(app):
    endpoints = {r.endpoint for r in post_rules(app)}
    stray = sorted(e for e in endpoints - set(EXCLUDED) if group_of(e) not in GROUPS)
    assert stray == [], f"POST routes in no fuzz group (add the blueprint to GROUPS): {stray}"
    assert all(reason.strip() for reason in [*EXCLUDED.values(), *FORM_NOT_SHOWN.values()])
    named = set(EXCLUDED) | set(FORM_NOT_SHOWN) | set(LAST) | set(WRITES_ON_REFUSAL)
    named |= set(ACCEPTED_WITH_200)
    stale = sorted((named | set(USER_FOR) | set(PLAUSIBLE_FOR)) - endpoints)
    assert stale == [], f"the fuzz plan names routes that do not exist: {stale}"
    assert not any(r.rule.startswith("/api/") for r in post_rules(app))

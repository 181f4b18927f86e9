"""Random post / reverse / close / reopen sequences against a simple model of the books.

After every step the trial balance is zero and every account's balance equals the model's;
refused actions (closed month, double reversal) change nothing.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, PeriodLocked
from outlet_pos.core.ledger import balances, close_month, post, reopen_month, reverse
from outlet_pos.core.verify import CHECKS
from tests.conftest import make_coop

ACCOUNTS = ["111100", "112100", "113100", "211100", "411100", "611100"]
_names = itertools.count()


class Books(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.coop = make_coop(f"Koperasi Model {next(_names)}")
        self.model: Counter[str] = Counter()
        self.entries: list[dict] = []
        self.closed: set[int] = set()

    @rule(
        debits=st.lists(
            st.tuples(st.sampled_from(ACCOUNTS), st.integers(1, 10**9)), min_size=1, max_size=3
        ),
        credit_account=st.sampled_from(ACCOUNTS),
        month=st.integers(1, 4),
    )
    def post_entry(self, debits, credit_account, month):
        total = sum(a for _, a in debits)
        lines = [(acc, amt, 0) for acc, amt in debits] + [(credit_account, 0, total)]
        day = date(2025, month, 15)
        try:
            entry = run_transaction(post, self.coop, day, "Model", lines, source="manual")
        except PeriodLocked:
            assert month in self.closed
            return
        assert month not in self.closed
        for acc, d, c in lines:
            self.model[acc] += d - c
        self.entries.append({"entry": entry, "lines": lines, "reversed": False, "mirror": False})

    @rule(data=st.data(), month=st.integers(1, 4))
    def reverse_entry(self, data, month):
        if not self.entries:
            return
        item = data.draw(st.sampled_from(self.entries))
        try:
            mirror = run_transaction(reverse, item["entry"], date(2025, month, 20), "Model", None)
        except PeriodLocked:
            assert month in self.closed
            return
        except DomainError:
            assert item["reversed"] or item["mirror"]
            return
        assert not item["reversed"] and not item["mirror"] and month not in self.closed
        item["reversed"] = True
        for acc, d, c in item["lines"]:
            self.model[acc] -= d - c
        self.entries.append({"entry": mirror, "lines": [], "reversed": False, "mirror": True})

    @rule(month=st.integers(1, 4))
    def close(self, month):
        try:
            run_transaction(close_month, self.coop, 2025, month, None)
        except DomainError:
            assert month in self.closed
            return
        self.closed.add(month)

    @rule(month=st.integers(1, 4))
    def reopen(self, month):
        try:
            run_transaction(reopen_month, self.coop, 2025, month, "Koreksi model", None)
        except DomainError:
            assert month not in self.closed
            return
        self.closed.discard(month)

    @invariant()
    def books_match_the_model(self):
        actual = {k: v for k, v in balances(self.coop).items() if v}
        assert actual == {k: v for k, v in self.model.items() if v}
        assert sum(actual.values()) == 0

    def teardown(self):
        for label, check in CHECKS:
            assert list(check(self.coop)) == [], label


def test_random_sequences_keep_the_books_equal_to_a_model(ctx):
    run_state_machine_as_test(
        Books,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

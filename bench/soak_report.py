"""The soak's figures and its printed summary: counts, rates and latency per kind of action,
the crashes, the verifier's verdict and every discrepancy the check found."""

from __future__ import annotations

from collections import Counter, defaultdict

from soak_check import ACTION_KINDS


def pct(values: list[float], p: float) -> float:
    """The p-quantile by rank (no interpolation: a reported latency was really seen)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


def figures(events: dict[str, list[dict]], elapsed: float) -> dict:
    """Counts per kind and outcome, latency of the answered request per kind, retries, and
    the rate over the time the cashiers were actually working (first send to last answer)."""
    acked, refused, lost, retried = Counter(), Counter(), Counter(), Counter()
    latency: dict[str, list[float]] = defaultdict(list)
    refusals: Counter = Counter()
    server_errors = retries = action_retries = 0
    for evs in events.values():
        for ev in evs:
            kind = ev.get("kind")
            if ev["ev"] == "server_error":
                server_errors += 1
            if ev["ev"] == "retry":
                retries += 1
                action_retries += kind in ACTION_KINDS
            if kind not in ACTION_KINDS:
                continue
            if ev["ev"] == "ack":
                acked[kind] += 1
                latency[kind].append(ev["ms"])
                retried[kind] += ev["retries"] > 0
            elif ev["ev"] == "refused":
                refused[kind] += 1
                refusals[f"{kind}: {ev['error'][:120]}"] += 1
            elif ev["ev"] == "lost":
                lost[kind] += 1
    total = sum(acked.values())
    stamps = [ev["t"] for evs in events.values() for ev in evs if ev.get("kind") in ACTION_KINDS]
    busy = max(stamps) - min(stamps) if stamps else elapsed
    return {
        "elapsed_s": round(elapsed, 1),
        "acked": dict(acked),
        "refused": dict(refused),
        "lost": dict(lost),
        "retried_actions": dict(retried),
        "retried_requests": retries,
        "retried_action_requests": action_retries,
        "server_errors": server_errors,
        "refusals": dict(refusals.most_common(10)),
        "busy_s": round(busy, 1),
        "actions_per_s": round(total / busy, 1) if busy else 0.0,
        "latency_ms": {
            k: {"p50": round(pct(v, 0.5), 1), "p95": round(pct(v, 0.95), 1)}
            for k, v in latency.items()
        },
    }


def report(s: dict) -> None:
    """Print the summary a person reads (the JSON summary holds the same and more)."""
    print(
        f"\nSoak on {s['database']}: {s['cashiers']} cashiers, {s.get('elapsed_s', 0)} s, "
        f"{sum(s.get('acked', {}).values())} actions acknowledged in "
        f"{s.get('busy_s', 0)} s of selling = {s.get('actions_per_s', 0)} actions/s"
    )
    print(
        f"  {'kind':<11}{'acked':>7}{'refused':>9}{'lost':>6}{'retried':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}"
    )
    for kind in ACTION_KINDS:
        lat = s.get("latency_ms", {}).get(kind, {"p50": 0, "p95": 0})
        print(
            f"  {kind:<11}{s.get('acked', {}).get(kind, 0):>7}"
            f"{s.get('refused', {}).get(kind, 0):>9}{s.get('lost', {}).get(kind, 0):>6}"
            f"{s.get('retried_actions', {}).get(kind, 0):>9}"
            f"{lat['p50']:>9.1f}{lat['p95']:>9.1f}"
        )
    for c in s.get("crashes", []):
        verdict = "passed" if c.get("verify_ok") else "FAILED"
        print(
            f"  crash: kill -9 at {c['at_s']} s; verify on the books as the crash left them "
            f"{verdict}; serving again {c['down_s']} s later"
        )
    if "across_crash" in s:
        a = s["across_crash"]
        print(
            f"  actions in flight at the kill, answered after it: "
            f"{a['written_before_kill']} already written before the kill (the retry got the "
            f"first result), {a['written_on_retry']} written on the retry"
        )
    print(
        f"  requests sent again after no answer: {s.get('retried_requests', 0)} "
        f"({s.get('retried_action_requests', 0)} of them actions, with the same key); "
        f"server errors (5xx): {s.get('server_errors', 0)}"
    )
    for reason, n in s.get("refusals", {}).items():
        print(f"  refused {n}x  {reason}")
    print(f"  outlet-pos verify: {'passed' if s.get('verify_ok') else 'FAILED'}")
    for line in s.get("verify_output", [])[:20]:
        print(f"    {line}")
    problems = s.get("problems", [])
    print(f"  database = acknowledged actions: {'yes' if not problems else 'NO'}")
    for p in problems[:40]:
        print(f"    - {p}")
    if not s.get("ok"):
        print(f"  kept for inspection: {s['folder']}")

"""Benchmark the savings-and-loans unit (DESIGN §4.1): a 20-page statement (the member's
passbook, ~750 lines of deposits; budget <= 2 s), plus a loan repayment and a sukarela deposit
as service calls (each its own committed transaction, as at the counter) and the month's
interest run over every member.

    .venv/bin/python bench/simpin.py [--quick] [--members 2000] [--database-url URL]
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

from _common import Figure, arguments, bench_app, report, time_calls

PASSBOOK_DAYS = 600  # with the 200 timed deposits: ~800 lines, 20 A4 pages


def main() -> None:
    parser = arguments(__doc__, "50 members and a 5-page passbook instead of 2,000 and 20")
    parser.add_argument("--members", type=int, default=None)
    args = parser.parse_args()
    app, _folder = bench_app("simpin", args.database_url)
    with app.app_context():
        members = args.members or (50 if args.quick else 2_000)
        report(run(members, 0 if args.quick else PASSBOOK_DAYS), args.json)


def run(n_members: int, passbook_days: int) -> list[Figure]:
    from outlet_pos.core.db import pk, run_transaction
    from outlet_pos.core.documents import ReportFrame
    from outlet_pos.core.ledger import post
    from outlet_pos.core.onboarding import (
        create_cooperative,
        create_user,
        grant_role,
        save_outlet,
        save_unit,
    )
    from outlet_pos.core.parties import Member
    from outlet_pos.extensions import db
    from outlet_pos.units.simpan_pinjam import (
        documents,
        interest,
        loan_products,
        loans,
        repayment,
        savings,
    )
    from outlet_pos.units.simpan_pinjam.members import register_member

    def setup():
        coop = create_cooperative(
            {"name": "Bench", "timezone": "WIB", "simpanan_pokok_amount": 100_000,
             "simpanan_wajib_amount": 20_000}
        )  # fmt: skip
        outlet = save_outlet(coop, "GR01", "Gerai")
        save_unit(coop, "simpin", "Simpan Pinjam", "simpan_pinjam", outlet.id)
        a = create_user("bench-a", "A", "Koperasi-Uji-2025!")
        b = create_user("bench-b", "B", "Koperasi-Uji-2025!")
        grant_role(a, coop, "pengurus")
        grant_role(b, coop, "pengurus")
        post(coop, coop.today() - timedelta(days=800), "Hibah",
             [("112100", 10**11, 0), ("312100", 0, 10**11)], source="manual")  # fmt: skip
        return coop, a, b

    coop, a, b = run_transaction(setup)
    start = coop.today() - timedelta(days=passbook_days + 10)
    t = time.perf_counter()

    def members():
        out = []
        for i in range(n_members):
            nik = f"320101{(i % 28) + 1:02d}0585{i + 1:04d}"
            out.append(register_member(coop, {"name": f"Anggota {i}", "nik": nik}, a,
                                       via="transfer", day=start))  # fmt: skip
        return out

    people = run_transaction(members)
    print(f"registered {n_members} members with pokok in {time.perf_counter() - t:.1f} s")
    first = people[0]
    # Keep the ids, not the 2,000 Member objects: while the script holds them they stay in
    # the session's identity map, and every timed commit expires them all (some 2 ms a call
    # at 2,000 members, growing with the register), a cost no counter request has: each
    # request starts with a fresh session holding the few rows it loads.
    others = [pk(m) for m in people[1:]]
    del people
    acc = run_transaction(savings.account_for, coop, first, "sukarela")
    # A deposit a day, plus the 200 timed below: ~750 lines, a passbook of 20 A4 pages.
    t = time.perf_counter()
    for d in range(passbook_days):
        run_transaction(savings.deposit, coop, acc, 10_000 + d, a, via="transfer",
                        day=start + timedelta(days=d))  # fmt: skip
    dep = time_calls(
        lambda: run_transaction(savings.deposit, coop, acc, 5_000, a, via="transfer"), 200
    )
    engine = db.engine.dialect.name
    figures = [Figure.of("simpin", f"  sukarela deposit, service call ({engine})", dep)]

    product = next(p for p in run_transaction(loan_products.ensure_products, coop)
                   if p.code == "PRODUKTIF")  # fmt: skip
    loan = run_transaction(loans.apply, coop, first, product, 20_000_000, 24, a, purpose="Modal",
                           day=start)  # fmt: skip
    run_transaction(loans.decide, coop, loan, True, b)
    run_transaction(loans.disburse, coop, loan, a, via="transfer", day=start)
    pay = time_calls(
        lambda: run_transaction(repayment.repay, coop, loan, 5_000, a, via="transfer"), 200
    )
    figures.append(Figure.of("simpin", f"  loan repayment, service call ({engine})", pay))

    opening, rows, closing = savings.statement(acc, None, None)
    lines = [documents.PassbookLine(r.day, r.memo or r.kind, r.amount, r.balance_after)
             for r in rows]  # fmt: skip
    frame = ReportFrame("Bench", "Desa", "Buku Simpanan", "semua", "bench", "now")
    out = []
    times = time_calls(
        lambda: out.append(documents.render_passbook(frame, None, opening, lines, closing)), 5
    )
    pages = len(re.findall(rb"/Type\s*/Page\b", out[-1]))
    figures.insert(0, Figure.of("statement", f"{pages}-page statement PDF (passbook, "
                                f"{len(lines)} lines)", [ms / 1000 for ms in times], "s",
                                budget=2))  # fmt: skip

    # Interest for last month over every member's sukarela (one deposit each).
    def deposits():
        for member_id in others:
            m = db.session.get(Member, member_id)
            savings.deposit(coop, savings.account_for(coop, m, "sukarela"), 1_000_000, a,
                            via="transfer", day=start)  # fmt: skip

    run_transaction(deposits)
    last = coop.today().replace(day=1) - timedelta(days=1)
    t = time.perf_counter()
    run_ = run_transaction(interest.credit_interest, coop, last.year, last.month, a)
    figures.append(Figure("simpin", f"  interest run, {n_members:,} members", "s",
                          time.perf_counter() - t, judge="value",
                          note=f"interest Rp{run_.interest:,}, tax Rp{run_.tax:,}"))  # fmt: skip
    return figures


if __name__ == "__main__":
    main()

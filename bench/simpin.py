"""Benchmark the savings-and-loans unit (DESIGN §4.1): a loan repayment and a sukarela
deposit as service calls (each its own committed transaction, as at the counter), a 20-page
passbook PDF (budget: a 20-page statement <= 2 s), and the month's interest run.

    .venv/bin/python bench/simpin.py [--members 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def show(label: str, ms: list[float]) -> None:
    print(f"{label:<48} p50 {statistics.median(ms):8.2f} ms   p95 {pct(ms, 0.95):8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--members", type=int, default=2000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-simpin-"))
    os.environ["OUTLET_POS_INSTANCE"] = str(tmp)
    from flask_migrate import upgrade

    from outlet_pos import create_app

    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        run(args.members)


def run(n_members: int) -> None:
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.documents import ReportFrame
    from outlet_pos.core.ledger import post
    from outlet_pos.core.onboarding import (
        create_cooperative,
        create_user,
        grant_role,
        save_outlet,
        save_unit,
    )
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
    start = coop.today() - timedelta(days=400)
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
    acc = run_transaction(savings.account_for, coop, first, "sukarela")
    # 400 days of deposits: a passbook of about 20 A4 pages.
    t = time.perf_counter()
    for d in range(400):
        run_transaction(savings.deposit, coop, acc, 10_000 + d, a, via="transfer",
                        day=start + timedelta(days=d))  # fmt: skip
    dep = []
    for _ in range(200):
        t = time.perf_counter()
        run_transaction(savings.deposit, coop, acc, 5_000, a, via="transfer")
        dep.append((time.perf_counter() - t) * 1000)
    show("sukarela deposit (service call, committed)", dep)

    product = next(p for p in run_transaction(loan_products.ensure_products, coop)
                   if p.code == "PRODUKTIF")  # fmt: skip
    loan = run_transaction(loans.apply, coop, first, product, 20_000_000, 24, a, purpose="Modal",
                           day=start)  # fmt: skip
    run_transaction(loans.decide, coop, loan, True, b)
    run_transaction(loans.disburse, coop, loan, a, via="transfer", day=start)
    pay = []
    for _ in range(200):
        t = time.perf_counter()
        run_transaction(repayment.repay, coop, loan, 5_000, a, via="transfer")
        pay.append((time.perf_counter() - t) * 1000)
    show("loan repayment (service call, committed)", pay)

    opening, rows, closing = savings.statement(acc, None, None)
    lines = [documents.PassbookLine(r.day, r.memo or r.kind, r.amount, r.balance_after)
             for r in rows]  # fmt: skip
    frame = ReportFrame("Bench", "Desa", "Buku Simpanan", "semua", "bench", "now")
    times = []
    for _ in range(5):
        t = time.perf_counter()
        pdf = documents.render_passbook(frame, None, opening, lines, closing)
        times.append((time.perf_counter() - t) * 1000)
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    show(f"passbook PDF, {len(lines)} lines (~{pages} pages)", times)

    # Interest for last month over every member's sukarela (one deposit each).
    def deposits():
        for m in people[1:]:
            savings.deposit(coop, savings.account_for(coop, m, "sukarela"), 1_000_000, a,
                            via="transfer", day=start)  # fmt: skip

    run_transaction(deposits)
    last = coop.today().replace(day=1) - timedelta(days=1)
    t = time.perf_counter()
    run_ = run_transaction(interest.credit_interest, coop, last.year, last.month, a)
    print(f"interest run, {n_members} members: {time.perf_counter() - t:.2f} s "
          f"(interest {run_.interest}, tax {run_.tax})")  # fmt: skip


if __name__ == "__main__":
    main()

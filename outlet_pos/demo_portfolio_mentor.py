"""The mentor's own records in the portfolio demo: health assessments (one a few months ago,
one recent), visit notes with follow-up actions (some done, some overdue), and the business
plan the pengurus set for this year — all through the services the pages call.

The visit notes are written from what the books show (dormant counter, bad loans, arrears,
...), so what the mentor reads in the log matches what the portfolio's alerts say.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from outlet_pos.core.access import User
from outlet_pos.demo_portfolio_books import Books
from outlet_pos.units.simpan_pinjam.common import add_months

ASSESSMENT_GAP_MONTHS = 4  # the earlier assessment, months before the recent one


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def answers(b: Books, share: int) -> dict[str, bool]:
    """The mentor's questionnaire: ``share`` percent of each sub-aspect's questions "ya"
    (which ones drawn from the cooperative's own random stream, so rebuilds agree)."""
    from outlet_pos.core.health.rubric import load

    out: dict[str, bool] = {}
    for sub in load().subaspects:
        codes = [code for code, _text in sub.questions]
        yes = set(b.rng.sample(codes, min(len(codes), (len(codes) * share + 50) // 100)))
        out.update({code: code in yes for code in codes})
    return out


def assess(b: Books, mentor: User) -> list:
    """Two assessments by the mentor: at the last closed month's end and some months before.
    A declining cooperative answered the questionnaire better then; a growing one worse."""
    from outlet_pos.core.health.services import default_as_of, save_assessment

    p = b.profile
    recent = default_as_of(b.coop)
    earlier = _month_end(add_months(recent.replace(day=1), -ASSESSMENT_GAP_MONTHS))
    declining = p.growth_pct < 0 or p.dormant_days > 0
    before = max(0, min(100, p.management_yes + (15 if declining else -10)))
    rows = []
    if earlier >= b.start:
        rows.append(
            save_assessment(
                b.coop, earlier, answers(b, before), mentor, "Penilaian awal pendampingan."
            )  # fmt: skip
        )
    rows.append(
        save_assessment(
            b.coop, recent, answers(b, p.management_yes), mentor, " ".join(p.notes)
        )  # fmt: skip
    )
    return rows


def _issues(b: Books) -> list[tuple[str, str, str]]:
    """(finding, recommendation, action) for what this cooperative's books show."""
    p, out = b.profile, []
    if any(spec.dpd > 90 for spec in p.loans):
        out.append((
            "Beberapa pinjaman anggota menunggak lebih dari 90 hari.",
            "Tagih pinjaman bermasalah dengan kunjungan rumah; restrukturisasi bila usaha "
            "peminjam masih berjalan.",
            "Kunjungi peminjam yang menunggak > 90 hari dan buat jadwal angsuran baru",
        ))  # fmt: skip
    if p.arrears_share >= 20:
        out.append((
            f"Sekitar {p.arrears_share}% anggota menunggak simpanan wajib.",
            "Ingatkan anggota lewat ketua RT/dusun dan umumkan daftar tunggakan di gerai.",
            "Tagih simpanan wajib yang tertunggak",
        ))  # fmt: skip
    if p.dormant_days:
        out.append((
            f"Gerai tidak mencatat penjualan sejak {p.dormant_days} hari lalu.",
            "Buka kembali gerai dengan jadwal piket kasir dan isi stok barang pokok.",
            "Buka kembali gerai dan isi stok barang pokok",
        ))  # fmt: skip
    if p.open_months:
        out.append((
            f"{p.open_months} bulan terakhir belum ditutup bukunya.",
            "Selesaikan daftar periksa tutup bulan setiap tanggal 10.",
            "Tutup buku bulan yang tertunda",
        ))  # fmt: skip
    if p.stockouts:
        out.append((
            "Beberapa barang pokok kosong di rak.",
            "Pakai laporan stok minimum untuk belanja ulang setiap minggu.",
            "Susun daftar belanja ulang untuk barang yang sering habis",
        ))  # fmt: skip
    if p.expiring:
        out.append((
            "Ada obat di apotek yang kedaluwarsa dalam dua bulan.",
            "Retur ke pemasok atau jual lebih dulu (FEFO); jangan tambah stok obat itu.",
            "Retur atau jual obat yang mendekati kedaluwarsa",
        ))  # fmt: skip
    if p.short_cash:
        out.append((
            "Ada selisih kurang kas pada tutup shift.",
            "Hitung kas berdua (kasir dan pengurus) setiap tutup shift.",
            "Terapkan hitung kas berdua saat tutup shift",
        ))  # fmt: skip
    if p.cost_pct >= 100 or p.fish_unit:
        out.append((
            "Ada unit yang menjual di bawah harga pokok.",
            "Tinjau harga beli dan harga jual; hentikan penjualan rugi.",
            "Hitung ulang harga jual unit yang merugi",
        ))  # fmt: skip
    if p.member_pct < 30:
        out.append((
            "Sebagian besar pembeli bukan anggota.",
            "Ajak pembeli tetap menjadi anggota; tunjukkan manfaat SHU jasa usaha.",
            "Kampanye pendaftaran anggota di gerai",
        ))  # fmt: skip
    if not out:
        out.append((
            "Usaha berjalan baik; anggota aktif berbelanja dan meminjam.",
            "Siapkan rencana usaha unit baru untuk RAT berikutnya.",
            "Susun rencana pengembangan unit baru",
        ))  # fmt: skip
    return out


def record_visits(b: Books, mentor: User) -> int:
    """One to three visits over the last months, each with its follow-up actions: the older
    ones partly done by the pengurus, some left open past their due date."""
    from outlet_pos.core.mentoring.visits import record_visit, set_action_status

    issues = _issues(b)
    count = min(3, 1 + len(issues) // 2)
    ages = [b.rng.randint(60, 80), b.rng.randint(30, 45), b.rng.randint(3, 18)][3 - count :]
    visits = 0
    for n in range(count):
        day = b.today - timedelta(days=ages[n])
        share = issues[n::count] or issues[:1]
        actions = [
            {"description": action, "owner": b.profile.chair,
             "due_date": day + timedelta(days=b.rng.choice([14, 21, 30]))}
            for _finding, _rec, action in share
        ]  # fmt: skip
        visit = record_visit(
            b.coop, mentor, visit_date=day, mode="kunjungan" if n % 2 == 0 else "telepon",
            topics="; ".join(a["description"] for a in actions)[:300],
            findings="\n".join(f for f, _r, _a in share),
            recommendations="\n".join(r for _f, r, _a in share), actions=actions,
        )  # fmt: skip
        visits += 1
        # The pengurus did the first of what fell due; the rest waits (overdue).
        due = [a for a in visit.actions if a.due_date < b.today]
        for action in due[:1] if len(due) > 1 or n == 0 else []:
            set_action_status(b.coop, action, b.pengurus, "selesai",
                              "Sudah dikerjakan; dibahas pada rapat pengurus.")  # fmt: skip
    return visits


def save_plans(b: Books) -> int:
    """This year's plan: sales and gross margin per trading unit, loans for the savings and
    loan unit, and members, as the pengurus set them at the start of the year."""
    from outlet_pos.core.ledger.services import fiscal_year
    from outlet_pos.core.plans.services import monthly_from_annual, save_plan, spread

    p, coop = b.profile, b.coop
    year = fiscal_year(coop, b.today)
    # Last year's pace plus a little: the year the pengurus hoped for.
    pace = (p.revenue + p.revenue * 100 // (100 + p.growth_pct)) // 2
    sales = pace * 12 * 105 // 100
    margin_pct = max(8, 100 - p.cost_pct + 3)
    lending = sum(s.principal for s in p.loans) * 3 // 2
    plans = [
        (b.units["sembako"].id, "sales", spread(sales)),
        (b.units["sembako"].id, "margin", spread(sales * margin_pct // 100)),
        (b.units["simpin"].id, "loans", spread(lending)),
        (b.units["simpin"].id, "sales", spread(lending * 15 // 100)),  # interest and fees
        (None, "members", monthly_from_annual(coop, year, "members", p.members + 8)),
    ]
    if "apotek" in b.units:
        plans.append((b.units["apotek"].id, "sales", spread(24_000_000)))
    if "perikanan" in b.units:
        fish = p.revenue * 12 * 18 // 100
        plans += [
            (b.units["perikanan"].id, "sales", spread(fish)),
            (b.units["perikanan"].id, "margin", spread(fish * 10 // 100)),
        ]
    for unit_id, metric, monthly in plans:
        save_plan(coop, b.pengurus, year, unit_id, metric, monthly)
    return len(plans)

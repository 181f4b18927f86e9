"""The clinic's and the pharmacy's days in the demo (see :mod:`outlet_pos.demo_klinik`).

Every working day the apoteker starts duty and opens a shift at the pharmacy counter; clinic
staff register the day's patients, write the record (vitals, ICD-10 diagnosis), give services
and consumables and send a prescription; the cashier bills the visit; the apoteker dispenses
the prescription through checkout (FEFO batches), serves a paper prescription now and then
and sells obat bebas over the counter; shift and duty close at the end of the day.

The clinic's services act on the cooperative's *today* (a desk registers today's queue and
posts today's bill), so each past day is replayed with ``business_day`` pinning that date.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout, member_credit_balance
from outlet_pos.core.sales.shifts import close_shift, expected_cash, open_shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.demo_klinik import Clinic


@dataclass(frozen=True)
class Case:
    """A diagnosis as the demo's clinic sees it: complaint, findings, what is done and given."""

    text: str
    complaints: tuple[str, ...]
    examination: str
    services: tuple[str, ...]  # tariff codes
    consumables: tuple[tuple[str, int], ...]  # (sku, base qty)
    rx: tuple[tuple[str, int, str], ...]  # (sku, base qty, dosage)
    extra: tuple[tuple[str, int, str], ...] = ()  # sometimes added (antibiotic, second drug)
    adult: bool | None = None  # None: anyone; True: adults; False: children first


CASES = {
    "J06.9": Case("ISPA", ("Batuk pilek dan demam sejak 2 hari", "Pilek, tenggorokan sakit"),
                  "Faring hiperemis, ronki (-), wheezing (-)", ("PU",), (),
                  (("OB-PCT500", 10, "3 x 1 tablet bila demam"), ("OB-GUAIC", 10, "3 x 1 tablet"),
                   ("OB-CTM", 10, "3 x 1 tablet")),
                  (("OK-AMOX500", 15, "3 x 1 kapsul, dihabiskan"),)),
    "I10": Case("Hipertensi esensial", ("Pusing dan tengkuk terasa berat", "Kontrol tensi"),
                "Jantung dan paru dalam batas normal", ("PU", "TENSI"), (),
                (("OK-AMLO5", 30, "1 x 1 tablet pagi hari"),),
                (("OK-HCT", 30, "1 x 1 tablet pagi hari"),), adult=True),
    "K30": Case("Dispepsia", ("Nyeri ulu hati dan mual setelah makan",),
                "Nyeri tekan epigastrium", ("PU",), (),
                (("OB-ANTTAB", 15, "3 x 1 tablet kunyah sebelum makan"),
                 ("OK-OMEP", 10, "1 x 1 kapsul sebelum makan pagi")),
                (("OK-DOMPE", 10, "3 x 1 tablet bila mual"),), adult=True),
    "E11.9": Case("Diabetes melitus tipe 2", ("Kontrol gula darah, sering haus",),
                  "GDS 212 mg/dL", ("PU", "CGD"),
                  (("KB-LANCET", 1), ("KB-STRGD", 1), ("KB-SWAB", 1)),
                  (("OK-METF", 60, "2 x 1 tablet sesudah makan"),),
                  (("OK-GLIB", 30, "1 x 1 tablet sebelum makan pagi"),), adult=True),
    "A09": Case("Diare", ("BAB cair 4-5 kali sejak kemarin",), "Turgor baik, bising usus meningkat",
                ("PU",), (),
                (("OB-ORALIT", 6, "1 sachet dilarutkan tiap habis BAB"),
                 ("OB-ZINC", 10, "1 x 1 tablet selama 10 hari")),
                (("OB-ATTAP", 6, "2 tablet tiap habis BAB"),), adult=False),
    "M79.1": Case("Mialgia", ("Pegal dan nyeri otot setelah kerja di kebun",),
                  "Nyeri tekan otot punggung, kekuatan normal", ("PU",), (),
                  (("OK-DIKLO", 10, "2 x 1 tablet sesudah makan"),
                   ("OB-NEURO", 10, "1 x 1 tablet")), (), adult=True),
    "L30.9": Case("Dermatitis", ("Gatal dan kemerahan di lengan",), "Eritema, papul, skuama",
                  ("PU",), (), (("OK-HIDRO", 1, "Oles tipis 2 x sehari"),
                                ("OK-CETIR", 10, "1 x 1 tablet malam hari"))),
    "T14.1": Case("Luka robek di kaki", ("Luka robek di kaki kena parang",),
                  "Vulnus laseratum 3 cm, perdarahan aktif (-)", ("PU", "RL"),
                  (("KB-GLOVE", 1), ("KB-KASA", 4), ("KB-PLEST", 1)),
                  (("OK-AMOX500", 15, "3 x 1 kapsul, dihabiskan"),
                   ("OB-PCT500", 10, "3 x 1 tablet bila nyeri"),
                   ("OK-GENTA", 1, "Oles pada luka 2 x sehari")), (), adult=True),
    "J45.9": Case("Asma", ("Sesak napas dan mengi sejak semalam",), "Wheezing (+), SpO2 94%",
                  ("PU", "NEB"), (("KB-MASKER", 1),),
                  (("OK-SALBU", 10, "3 x 1 tablet bila sesak"),), ()),
    "F51.0": Case("Insomnia", ("Sulit tidur sejak dua minggu",), "Cemas, tanda vital normal",
                  ("PU",), (), (("PS-DIAZ2", 10, "1 x 1 tablet malam bila perlu"),), (),
                  adult=True),
    "M54.5": Case("Nyeri punggung bawah", ("Nyeri pinggang menjalar, sulit berdiri",),
                  "Lasegue (-), nyeri tekan paravertebra", ("PU",), (),
                  (("OT-TRAMA", 10, "2 x 1 kapsul bila sangat nyeri"),
                   ("OB-PCT500", 10, "3 x 1 tablet")), (), adult=True),
    "Z00.0": Case("Pemeriksaan kesehatan umum", ("Surat keterangan sehat untuk melamar kerja",),
                  "Dalam batas normal", ("PU", "SKS"), (), (), (), adult=True),
}  # fmt: skip
# How often each diagnosis comes (per forty visits); the four first are always there once.
WEIGHTS = {"J06.9": 10, "I10": 6, "K30": 5, "E11.9": 4, "A09": 4, "M79.1": 4, "L30.9": 3,
           "T14.1": 2, "J45.9": 1, "F51.0": 1, "M54.5": 1, "Z00.0": 2}  # fmt: skip
ALWAYS = ("F51.0", "M54.5", "E11.9", "T14.1")
OTC = ["OB-PCT500", "OB-ORALIT", "OB-ANTTAB", "OB-VITC50", "OB-CTM", "OB-OBH", "OB-TTD",
       "OB-BKOMP", "OB-FLU", "OB-SAL24", "OB-MICON", "OB-POVID", "OB-ALK70",
       "OB-TTMATA"]  # fmt: skip
OUTSIDE_PRESCRIBERS = [
    ("dr. Rahmat Hidayat, Sp.PD", "SIP 503/0123/DPMPTSP/2024 — RSUD AM Parikesit"),
    ("dr. Melati Kusuma", "SIP 446/0871/DKK/2025 — Puskesmas Tenggarong Seberang"),
]


@contextmanager
def business_day(coop: Cooperative, day: date) -> Iterator[None]:
    """Make ``coop.today()`` answer ``day`` while a past day is replayed (an instance
    attribute shadowing the method; removed again whatever happens)."""
    coop.today = lambda: day  # type: ignore[method-assign]
    try:
        yield
    finally:
        del coop.today


def _clock(coop: Cooperative, day: date, hour: int, minute: int) -> datetime:
    """A local clock time of ``day`` as stored (naive UTC)."""
    local = datetime.combine(day, time(hour, minute), tzinfo=coop.zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def plan_visits(clinic: Clinic, days: list[date]) -> dict[date, list[tuple[str, object]]]:
    """About forty visits per 91 days, spread over the working days, each with a diagnosis
    and a patient fitting it (adults for hypertension, children first for diarrhoea; the
    chronic patients come back for control)."""
    rng = clinic.rng
    count = max(len(ALWAYS), round(40 * len(days) / 78)) if days else 0
    codes = list(ALWAYS) + rng.choices(list(WEIGHTS), list(WEIGHTS.values()), k=count - 4)
    rng.shuffle(codes)
    adults = [p for p in clinic.patients if not p.name.startswith("An. ")]
    children = [p for p in clinic.patients if p.name.startswith("An. ")]
    chronic: dict[str, object] = {}
    plan: dict[date, list[tuple[str, object]]] = {}
    for code in codes:
        case = CASES[code]
        for _try in range(12):  # once a day per patient: the queue refuses a second
            if code in ("I10", "E11.9") and code in chronic and rng.random() < 0.6:
                patient = chronic[code]
            elif case.adult is False and children and rng.random() < 0.7:
                patient = rng.choice(children)
            else:
                patient = rng.choice(adults if case.adult else clinic.patients)
            day = rng.choice(days)
            if all(p is not patient for _c, p in plan.get(day, [])):
                chronic.setdefault(code, patient)
                plan.setdefault(day, []).append((code, patient))
                break
    return plan


def run_days(clinic: Clinic, start: date, last: date) -> dict:
    """Replay ``start`` .. ``last`` (Monday to Saturday). The last prescription of the last
    clinic day stays in the pharmacy queue, so the queue page has one to serve."""
    days = [start + timedelta(days=n) for n in range((last - start).days + 1)]
    days = [d for d in days if d.weekday() < 6]
    plan = plan_visits(clinic, days)
    outside = set(clinic.rng.sample(days, min(len(days), max(1, round(4 * len(days) / 78)))))
    stats = {"visits": 0, "prescriptions": 0, "dispensed": 0, "outside": 0, "otc": 0,
             "bills": 0}  # fmt: skip
    last_visit_day = max(plan) if plan else None
    for day in days:
        with business_day(clinic.coop, day):
            _one_day(clinic, day, plan.get(day, []), day in outside,
                     keep_last=day == last_visit_day, stats=stats)  # fmt: skip
    return stats


def _one_day(clinic: Clinic, day: date, visits, outside: bool, *, keep_last: bool,
             stats: dict) -> None:  # fmt: skip
    from outlet_pos.units.apotek.duty import end_duty, start_duty

    coop, rng = clinic.coop, clinic.rng
    shift = open_shift(coop, clinic.apoteker, clinic.outlet, 200_000, day=day)
    shift.opened_at = _clock(coop, day, 7, rng.randint(20, 40))
    duty = start_duty(coop, clinic.apoteker)
    duty.started_at = shift.opened_at
    counter = None
    if visits:
        counter = open_shift(coop, clinic.kasir, clinic.outlet, 100_000, day=day)
        counter.opened_at = _clock(coop, day, 8, 0)
    clock = _clock(coop, day, 8, rng.randint(0, 30))
    for n, (code, patient) in enumerate(visits):
        clock += timedelta(minutes=rng.randint(15, 50))
        keep = keep_last and n == len(visits) - 1
        rx = _visit(clinic, day, code, patient, clock, stats, force_rx=keep)
        if rx is not None and not keep:
            _dispense(clinic, rx, shift, day, clock + timedelta(minutes=20), stats)
    if outside:
        clock += timedelta(minutes=30)
        _outside(clinic, shift, day, clock, stats)
    for _ in range(rng.randint(1, 3)):
        clock += timedelta(minutes=rng.randint(10, 60))
        _otc(clinic, shift, day, clock, stats)
    for s, user in ((counter, clinic.kasir), (shift, clinic.apoteker)):
        if s is not None:
            close_shift(s, user, expected_cash(s), day=day)
            s.closed_at = max(clock, _clock(coop, day, 15, 0)) + timedelta(minutes=15)
    end_duty(coop, clinic.apoteker).ended_at = shift.closed_at


def _vitals(clinic: Clinic, code: str, child: bool) -> dict:
    rng = clinic.rng
    high = code == "I10"
    systolic = rng.randint(145, 175) if high else rng.randint(105, 135)
    return {
        "systolic": None if child else systolic,
        "diastolic": None if child else systolic - rng.randint(45, 60),
        "pulse": rng.randint(64, 98) if not child else rng.randint(85, 115),
        "temperature": Decimal(rng.randint(376, 386) if code == "J06.9" else rng.randint(362, 372))
        / 10,
        "weight": Decimal(rng.randint(12, 35) if child else rng.randint(45, 80)),
        "height": Decimal(rng.randint(90, 140) if child else rng.randint(150, 172)),
        "spo2": rng.randint(92, 95) if code == "J45.9" else rng.randint(96, 99),
    }


def _visit(clinic: Clinic, day: date, code: str, patient, clock: datetime, stats: dict,
           *, force_rx: bool = False):  # fmt: skip
    """One patient through the clinic: queue, record, services, consumables, prescription,
    bill. Returns the prescription sent to the pharmacy (or None)."""
    from outlet_pos.units.klinik.services import billing, treatment, visits

    coop, rng, user = clinic.coop, clinic.rng, clinic.petugas
    case = CASES[code]
    child = patient.name.startswith("An. ")
    visit = visits.register_visit(coop, user, patient)
    visit.created_at = clock
    record = {"complaint": rng.choice(case.complaints), "examination": case.examination,
              "icd10_code": code, "diagnosis_text": case.text,
              **_vitals(clinic, code, child)}  # fmt: skip
    visits.save_record(coop, visit, user, record)
    visit.examined_at = clock + timedelta(minutes=10)
    for tariff in case.services:
        treatment.add_service(coop, visit, user, clinic.tariffs[tariff].id)
    for sku, qty in case.consumables:
        treatment.use_consumable(coop, visit, user, clinic.drugs[sku][0].id, Decimal(qty))
    lines = list(case.rx)
    if case.extra and rng.random() < 0.5:
        lines += case.extra
    if "amoksisilin" in patient.allergies.lower():
        lines = [ln for ln in lines if ln[0] != "OK-AMOX500"]
    if child:  # a child's dose: syrup instead of tablets
        lines = [("OB-PCTSYR", 60, "3 x 1 sendok takar (5 ml)") if s == "OB-PCT500"
                 else (s, q, d) for s, q, d in lines]  # fmt: skip
    rx = None
    if lines and (force_rx or rng.random() < 0.92):
        from outlet_pos.units.klinik.services.prescribers import prescribers

        rx = treatment.send_prescription(
            coop, visit, user,
            [{"item_id": clinic.drugs[s][0].id, "qty": Decimal(q), "dosage": d}
             for s, q, d in lines], "", prescribers(coop, active_only=True)[0].id,
        )  # fmt: skip
        rx.created_at = clock + timedelta(minutes=12)
        stats["prescriptions"] += 1
    visits.finish_visit(coop, visit, user)
    member = patient.member
    amount = visit.services_total
    method = "tunai"
    if member is not None and member.credit_limit and rng.random() < 0.4:
        if member_credit_balance(coop, member) + amount <= member.credit_limit:
            method = "kredit"
    bill = billing.bill_visit(coop, visit, clinic.kasir, method)
    bill.created_at = clock + timedelta(minutes=15)
    stats["visits"] += 1
    stats["bills"] += 1
    return rx


def _dispense(clinic: Clinic, rx, shift, day: date, clock: datetime, stats: dict) -> None:
    """The apoteker serves the prescription: the pharmacy's own plan (remaining lines at the
    patient's price tier) sold through checkout with the prescription on the cart, as
    ``apotek.dispense.dispense`` does — but on the replayed ``day``, which that function
    (a page's action, always today) does not take. The drug-class rules and FEFO run in
    checkout either way."""
    from outlet_pos.units.apotek.dispense import patient_member, plan

    lines = plan(rx)
    total = sum(p.total for p in lines)
    member = patient_member(rx)
    payment = PaymentIn("tunai", total)
    if member is not None and member.credit_limit and clinic.rng.random() < 0.3:
        if member_credit_balance(clinic.coop, member) + total <= member.credit_limit:
            payment = PaymentIn("kredit", total)
    sale = checkout(
        shift, [CartLine(p.item.id, qty=p.qty) for p in lines], [payment],
        user=clinic.apoteker, member=member, customer_name=rx.display_name,
        extra={"prescription_id": rx.id}, day=day,
    )  # fmt: skip
    sale.created_at = clock
    stats["dispensed"] += 1


def _outside(clinic: Clinic, shift, day: date, clock: datetime, stats: dict) -> None:
    """A paper prescription from the hospital or the puskesmas, for a hypertensive or
    diabetic patient continuing treatment."""
    from outlet_pos.units.apotek.prescriptions import create_prescription

    rng = clinic.rng
    prescriber, note = rng.choice(OUTSIDE_PRESCRIBERS)
    drugs = rng.choice([
        [("OK-AMLO10", 30, "1 x 1 tablet pagi"), ("OK-SIMVA", 30, "1 x 1 tablet malam")],
        [("OK-METF", 60, "2 x 1 tablet sesudah makan"), ("OK-GLIM", 30, "1 x 1 tablet pagi")],
        [("OK-CAPTO", 30, "2 x 1 tablet"), ("OK-FUROS", 10, "1 x 1 tablet pagi")],
    ])  # fmt: skip
    patient = rng.choice(clinic.patients) if rng.random() < 0.5 else None
    rx = create_prescription(
        clinic.coop, clinic.apoteker, patient=patient, prescriber=prescriber,
        written_on=day - timedelta(days=rng.randint(0, 2)), source="luar",
        patient_name="" if patient else rng.choice(["Ibu Karmini", "Bapak Sudarto"]),
        prescriber_note=note,
        lines=[{"item_id": clinic.drugs[s][0].id, "qty": Decimal(q), "dosage": d}
               for s, q, d in drugs],
    )  # fmt: skip
    rx.created_at = clock
    stats["outside"] += 1
    _dispense(clinic, rx, shift, day, clock + timedelta(minutes=10), stats)


def _otc(clinic: Clinic, shift, day: date, clock: datetime, stats: dict) -> None:
    """Obat bebas over the pharmacy counter: no prescription, general or member price."""
    rng = clinic.rng
    lines, total = [], 0
    for sku in rng.sample(OTC, rng.randint(1, 3)):
        item, row = clinic.drugs[sku]
        packs = sorted((u for u in item.units if u.factor > 1), key=lambda u: u.factor)
        if row.base_uom == "ml":  # syrup goes by the bottle
            unit, qty = packs[0], Decimal(1)
        elif row.base_uom in ("tablet", "sachet") and packs and rng.random() < 0.4:
            unit, qty = packs[0], Decimal(1)  # a strip, a few sachets
        elif row.base_uom in ("tablet", "sachet"):
            unit, qty = item.base, Decimal(rng.choice([2, 4, 6]))
        else:  # a bottle, a tube
            unit, qty = item.base, Decimal(1)
        if _sellable(item, day) < qty * unit.factor * 3:
            continue  # the shelf is nearly empty: the customer takes something else
        lines.append(CartLine(item.id, item_unit_id=unit.id, qty=qty))
        total += int(unit.price_general * qty)
    if not lines:
        return
    sale = checkout(shift, lines, [PaymentIn("tunai", -(-total // 1000) * 1000)],
                    user=clinic.apoteker, day=day)  # fmt: skip
    sale.created_at = clock
    stats["otc"] += 1


def _sellable(item, day: date) -> Decimal:
    """Base units of ``item`` in batches not expired on ``day``."""
    from sqlalchemy import func, select

    from outlet_pos.core.inventory.models import Batch, BatchLevel
    from outlet_pos.extensions import db

    return db.session.scalar(
        select(func.coalesce(func.sum(BatchLevel.on_hand), 0))
        .join(Batch, Batch.id == BatchLevel.batch_id)
        .where(BatchLevel.item_id == item.id, Batch.expiry >= day)
    )

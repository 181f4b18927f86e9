"""Demo days of the parcel desk (part of :mod:`outlet_pos.demo_lokal`, DESIGN §3.10).

Two courier partners with their commission, zone tariffs in two dated rows (an older price
list and a newer one from the middle of the window), about thirty parcels over the window —
small and bulky (volumetric) ones, a few insured, about eight cash-on-delivery — moving along
their timeline on the desk days that follow (handed to the courier, in transit, delivered;
one returned), the COD money the courier brings back held in 211500 and handed to the
senders (one into a member's sukarela; one still held), the partners paid their share once,
and the cooperative's own goods delivered to members' houses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from outlet_pos.core.sales.models import Sale
from outlet_pos.core.sales.shifts import close_shift, expected_cash, open_shift
from outlet_pos.extensions import db

if TYPE_CHECKING:
    from outlet_pos.demo_lokal import Demo

# (code, name, commission %, rounding kg, insurance % , insurance minimum)
COURIERS = [
    ("POS", "Pos Indonesia", "15", "1", "0.2", 2_000),
    ("JNE", "JNE", "20", "0.5", "0.25", 5_000),
    ("ANTAR", "Kurir koperasi (antar barang)", "0", "1", "0", 0),
]
# REG price per zone (first kg, each further kg) in the newer list; the older list was 10%
# cheaper. EKONOMI is 80% of REG, KILAT 150%.
REG = {"DALAM_KAB": (9_000, 5_000), "DALAM_PROV": (15_000, 8_000), "JAWA": (38_000, 30_000),
       "LUAR_JAWA": (45_000, 36_000), "INDONESIA_TIMUR": (85_000, 70_000)}  # fmt: skip
SERVICES = {"POS": {"REG": 100, "EKONOMI": 80}, "JNE": {"REG": 100, "KILAT": 150}}
ETA = {"DALAM_KAB": "1", "DALAM_PROV": "1-2", "JAWA": "3-4", "LUAR_JAWA": "3-5",
       "INDONESIA_TIMUR": "5-8"}  # fmt: skip
# Desk days from intake to delivery, by zone (the courier calls every desk day).
TRANSIT = {"DALAM_KAB": 1, "DALAM_PROV": 2, "JAWA": 2, "LUAR_JAWA": 3, "INDONESIA_TIMUR": 3}
# (receiver, address, desa/kelurahan, kabupaten/kota, provinsi, phone)
RECEIVERS = [
    ("Rahmat Hidayat", "Jl. Gajah Mada No. 12", "Loa Kulu", "Kutai Kartanegara",
     "Kalimantan Timur", "081350112233"),
    ("Siti Nurjanah", "Jl. Juanda Gg. 3 No. 5", "Air Hitam", "Kota Samarinda",
     "Kalimantan Timur", "081254336677"),
    ("Hendra Wijaya", "Jl. MT Haryono No. 88", "Gunung Samarinda", "Kota Balikpapan",
     "Kalimantan Timur", "082148559911"),
    ("Dwi Astuti", "Jl. Raya Darmo No. 45", "Darmo", "Kota Surabaya", "Jawa Timur",
     "081331225588"),
    ("Agus Setiawan", "Jl. Kaliurang Km 7", "Sinduharjo", "Sleman", "DI Yogyakarta",
     "087738441200"),
    ("Nur Aini", "Jl. Perintis Kemerdekaan No. 10", "Tamalanrea", "Kota Makassar",
     "Sulawesi Selatan", "085242117788"),
    ("Yohanes Wenda", "Jl. Raya Sentani No. 3", "Hinekombe", "Jayapura", "Papua",
     "081344006611"),
    ("Fitriani", "Jl. Ahmad Yani No. 21", "Banjarbaru Utara", "Kota Banjarbaru",
     "Kalimantan Selatan", "081251993344"),
    ("Budi Santoso", "Jl. Kebon Jeruk Raya No. 7", "Kebon Jeruk", "Kota Jakarta Barat",
     "DKI Jakarta", "081288776655"),
    ("Made Suarta", "Jl. Teuku Umar No. 9", "Dauh Puri", "Kota Denpasar", "Bali",
     "081999220044"),
]  # fmt: skip
# (contents, actual kg, L×W×H cm or None, declared value for insurance)
CONTENTS = [
    ("Keripik pisang 20 bungkus", "3.2", (40, 30, 25), 0),
    ("Bantal dan selimut", "1.8", (60, 40, 30), 0),
    ("Dokumen", "0.3", None, 0),
    ("Pakaian", "1.5", (35, 25, 10), 0),
    ("Handphone bekas", "0.6", (20, 15, 10), 2_500_000),
    ("Amplang ikan 10 bungkus", "2.4", (30, 30, 20), 0),
    ("Madu kelulut 6 botol", "4.5", (30, 20, 20), 0),
    ("Sarung dan mukena", "1.2", (30, 25, 8), 0),
    ("Suku cadang motor", "6.5", (40, 30, 20), 0),
    ("Kerajinan anyaman rotan", "2", (50, 50, 40), 0),
    ("Buku dan alat tulis", "5", (35, 25, 20), 0),
    ("Laptop", "2.3", (45, 35, 10), 6_000_000),
]
SELLERS = ["UMKM Amplang Bu Yati", "Toko Berkah Sukamaju", "Pak Slamet Riyadi",
           "Kerajinan Rotan Bu Ijah", "Bu Endang (jualan online)"]  # fmt: skip
COD_AMOUNTS = [185_000, 240_000, 97_500, 420_000, 150_000, 310_000, 75_000, 560_000]
PER_PARCEL_DESK = 30


@dataclass
class Planned:
    """A parcel to take in on desk day ``day`` and what happens to it on later desk days."""

    day: int
    values: dict
    steps: dict[int, list[str]] = field(default_factory=dict)
    cod: str = ""  # "" | "remit" | "sukarela" | "hold" | "returned" | "open"
    parcel: object = None
    collected: int | None = None  # the desk day the courier brought its COD back


def setup_desk(demo: Demo, older: date, newer: date) -> None:
    """The partners and their price lists: the older list dated ``older``, the newer one
    ``newer`` (each added on its own date: tariffs are never back-dated)."""
    from outlet_pos.demo_lokal import business_day
    from outlet_pos.units.logistik.tariffs import add_tariff, save_courier

    coop = demo.coop
    with business_day(coop, older):
        for code, name, pct, step, rate, minimum in COURIERS:
            demo.items[f"courier:{code}"] = save_courier(
                coop, demo.pengurus, code=code, name=name, commission_percent=pct,
                rounding_kg=step, insurance_rate_percent=rate, insurance_min=minimum,
            )  # fmt: skip
    for valid_from, percent in ((older, 90), (newer, 100)):
        with business_day(coop, valid_from):
            for code, services in SERVICES.items():
                courier = demo.items[f"courier:{code}"]
                for service, factor in services.items():
                    for zone, (first, nxt) in REG.items():
                        add_tariff(
                            coop, demo.pengurus, courier_id=courier.id, service=service,
                            zone=zone, first_kg=_price(first, factor * percent),
                            next_kg=_price(nxt, factor * percent), valid_from=valid_from,
                            eta_days=ETA[zone],
                        )  # fmt: skip


def _price(base: int, percent: int) -> int:
    """``base`` × percent/10000 to the nearest Rp500 (tariff sheets are in round figures)."""
    return max(500, (base * percent // 10_000 + 250) // 500 * 500)


def _zone(provinsi: str, kabupaten: str) -> str:
    if provinsi == "Kalimantan Timur":
        return "DALAM_KAB" if kabupaten == "Kutai Kartanegara" else "DALAM_PROV"
    return {"Papua": "INDONESIA_TIMUR", "Jawa Timur": "JAWA", "DI Yogyakarta": "JAWA",
            "DKI Jakarta": "JAWA"}.get(provinsi, "LUAR_JAWA")  # fmt: skip


def plan_parcels(demo: Demo, desk_days: list[date]) -> list[Planned]:
    """About thirty parcels over the desk days with their timelines and COD fates."""
    rng, last = demo.rng, len(desk_days) - 1
    members = demo.members[12:20] or demo.members
    plan: list[Planned] = []
    for k in range(PER_PARCEL_DESK):
        day = min(k * len(desk_days) // PER_PARCEL_DESK, last)
        receiver = RECEIVERS[(k * 7 + 3) % len(RECEIVERS)]
        contents, kg, dims, insured = CONTENTS[(k * 5) % len(CONTENTS)]
        courier = ("POS", "JNE")[k % 2]
        service = list(SERVICES[courier])[(k // 2) % 2]
        member = members[k % len(members)] if k % 3 == 0 and members else None
        values = {
            "kind": "kiriman", "courier_id": demo.items[f"courier:{courier}"].id,
            "service": service, "sender_name": member.name if member else SELLERS[k % 5],
            "sender_member": member.member_number if member else "",
            "sender_phone": f"0813{5000_0000 + k * 7919:08d}",
            "sender_address": "Sukamaju, Tenggarong Seberang",
            "receiver_name": receiver[0], "receiver_address": receiver[1],
            "receiver_desa": receiver[2], "receiver_kabupaten": receiver[3],
            "receiver_provinsi": receiver[4], "receiver_phone": receiver[5],
            "contents": contents, "actual_kg": Decimal(kg), "insurance_value": insured,
            "cod_amount": 0, "method": "qris" if k % 7 == 3 else "tunai",
        }  # fmt: skip
        if dims:
            values |= {"length_cm": dims[0], "width_cm": dims[1], "height_cm": dims[2]}
        p = Planned(day, values)
        transit = TRANSIT[_zone(receiver[4], receiver[3])]
        if not (k == PER_PARCEL_DESK - 1):  # the last one is still at the desk
            p.steps.setdefault(day, []).append("diserahkan_ke_kurir")
            if transit > 1:
                p.steps.setdefault(day + 1, []).append("dalam_perjalanan")
            p.steps.setdefault(day + transit, []).append("terkirim")
        plan.append(p)
    _plan_cod(demo, plan, last)
    rng.shuffle(plan)  # the same day's parcels come in no particular order
    plan.sort(key=lambda p: p.day)
    return plan


def _plan_cod(demo: Demo, plan: list[Planned], last: int) -> None:
    """About eight COD parcels spread over the window: delivered ones whose money the courier
    brings back on the delivery day and the sender collects on a later desk day (one into
    a member's sukarela, the latest one still held), one returned to the sender (its COD is
    never collected) and one still on its way."""

    def delivered(p: Planned) -> int | None:
        return next((d for d, s in p.steps.items() if "terkirim" in s), None)

    done = [p for p in plan if (delivered(p) or last + 1) < last]
    fates = ["remit", "sukarela", "remit", "returned", "remit", "remit", "hold"]
    fates = fates[max(0, len(fates) - len(done)) :]
    if len(fates) > 1:
        picks = [done[round(i * (len(done) - 1) / (len(fates) - 1))] for i in range(len(fates))]
    else:
        picks = done[-1:]
    for fate, p in zip(fates, picks, strict=False):
        p.cod = fate
    on_way = [p for p in plan if p.steps and (delivered(p) or last + 1) > last]
    for p in on_way[-1:]:
        p.cod = "open"
    members = demo.members[12:20] or demo.members
    for n, p in enumerate(q for q in plan if q.cod):
        p.values["cod_amount"] = COD_AMOUNTS[n % len(COD_AMOUNTS)]
        if p.cod == "returned":
            p.steps[delivered(p)] = ["dikembalikan"]
        if p.cod == "sukarela" and not p.values["sender_member"]:
            if members:  # a member sells online and saves what the buyers pay
                member = members[n % len(members)]
                p.values["sender_name"] = member.name
                p.values["sender_member"] = member.member_number
            else:
                p.cod = "remit"


def desk_day(demo: Demo, plan: list[Planned], index: int, day: date) -> None:
    """One desk day: the courier's pick-up and its news about earlier parcels, the COD it
    brings back, senders collecting their COD, new parcels over the counter; the shift
    closes balanced. The partners are paid their share once, on the middle desk day."""
    from outlet_pos.demo_lokal import clock
    from outlet_pos.units.logistik import money
    from outlet_pos.units.logistik.parcels import advance, intake

    coop, user = demo.coop, demo.petugas
    shift = open_shift(coop, user, demo.outlet, 500_000, day=day)
    shift.opened_at = clock(coop, day, 8, 0)
    minute = 0

    def stamp(parcel) -> None:
        nonlocal minute
        minute += 7
        parcel.events[-1].at = clock(coop, day, 8 + minute // 60, minute % 60)

    for p in plan:
        if p.day == index:
            p.parcel = intake(coop, user, shift, p.values)
            p.parcel.created_at = clock(coop, day, 8 + minute // 60, minute % 60)
            stamp(p.parcel)
            demo.count("parcels")
    delivered = []
    for p in plan:
        for status in p.steps.get(index, []):
            note = "Alamat tidak ditemukan; penerima tidak dapat dihubungi" \
                if status == "dikembalikan" else ""  # fmt: skip
            place = "Loket Sukamaju" if status == "diserahkan_ke_kurir" else p.values[
                "receiver_kabupaten"]  # fmt: skip
            advance(coop, p.parcel, user, status, note=note, place=place)
            stamp(p.parcel)
            if status == "terkirim" and p.values["cod_amount"]:
                delivered.append(p)
    if delivered:  # the courier brings the day's COD money back
        money.collect_cod(coop, [p.parcel.id for p in delivered], user, "tunai", shift=shift)
        for p in delivered:
            p.collected = index
        demo.count("cod_collected", len(delivered))
    # Senders come for the COD collected on an earlier desk day: cash from the drawer, a
    # transfer for a large sum, or (a member) into simpanan sukarela.
    for p in plan:
        if p.cod in ("remit", "sukarela") and p.collected is not None and p.collected < index:
            via = "sukarela" if p.cod == "sukarela" else "tunai"
            if via == "tunai" and p.parcel.cod_amount > expected_cash(shift) - 100_000:
                via = "transfer"
            money.remit_cod(coop, p.parcel, user, via, shift=shift)
            p.cod = f"{p.cod}:done"
            demo.count("cod_remitted")
    if index == demo.stats["desk_days"] // 2:
        _settle_couriers(demo)
    close_shift(shift, user, expected_cash(shift), day=day)
    shift.closed_at = clock(coop, day, 16, 30)


def _settle_couriers(demo: Demo) -> None:
    """Pay each partner its share of the parcels so far, by bank transfer (once)."""
    from outlet_pos.units.logistik.money import settle_courier, unsettled_charges

    if demo.stats.get("courier_settlements"):
        return
    for code in ("POS", "JNE"):
        courier = demo.items[f"courier:{code}"]
        if unsettled_charges(demo.coop, courier):
            settle_courier(demo.coop, courier, demo.bendahara, "transfer",
                           note="Setoran bulanan ke mitra")  # fmt: skip
            demo.count("courier_settlements")


def deliver(demo: Demo, sale: Sale, day: date) -> None:
    """Deliver a member's order to the house: the cooperative's own courier, free within
    Sukamaju, Rp5.000 beyond; out and delivered the same afternoon."""
    from outlet_pos.core.parties import Member
    from outlet_pos.demo_lokal import clock
    from outlet_pos.units.logistik.parcels import advance, intake

    member = db.session.get(Member, sale.member_id) if sale.member_id else None
    if member is None:
        return
    tabung = sum(int(line.qty) for line in sale.lines) or 1
    phone = "".join(ch for ch in member.phone or "" if ch.isdigit()) or "081250000000"
    parcel = intake(demo.coop, demo.kasir, demo.shift, {
        "kind": "antar_barang", "sale_id": sale.id,
        "courier_id": demo.items["courier:ANTAR"].id, "service": "REG",
        "sender_name": "Koperasi Desa Merah Putih Sukamaju", "receiver_name": member.name,
        "receiver_phone": phone, "receiver_address": member.address or "Sukamaju",
        "receiver_desa": member.desa or "Sukamaju", "receiver_kabupaten": "Kutai Kartanegara",
        "receiver_provinsi": "Kalimantan Timur", "contents": f"LPG 3 kg × {tabung} ({sale.number})",
        "actual_kg": Decimal(8 * tabung), "delivery_fee": 0 if member.desa == "Sukamaju" else 5_000,
        "method": "tunai",
    })  # fmt: skip
    parcel.created_at = clock(demo.coop, day, 11, 0)
    parcel.events[-1].at = parcel.created_at
    for status, hour in (("dalam_perjalanan", 13), ("terkirim", 14)):
        advance(
            demo.coop,
            parcel,
            demo.kasir,
            status,
            place=member.desa or "Sukamaju",
            note="Diantar petugas koperasi" if status == "dalam_perjalanan" else "",
        )
        parcel.events[-1].at = clock(demo.coop, day, hour, 30)
    demo.count("deliveries")

"""One soak cashier: its own process, its own login and shift, a random mix of counter work
over HTTP on loopback, every action and every answer appended to a JSON-lines log.

    soak_worker.py --port P --world world.json --user kasir1 --log kasir1.jsonl
                   --seed S --deadline EPOCH --max-actions N [--grace 120]

Actions: sales (1-5 lines, sometimes to a member), refunds of its own earlier sales (with a
supervisor's approval, as a cashier needs), savings deposits, loan repayments, subsidised
fertilizer redemptions. Each carries its own idempotency key. When a request dies (the
server was killed) the same request, same key, is sent again until it is acknowledged or
clearly refused: the database afterwards must hold it once. At the deadline the cashier
counts the drawer it expects from its own acknowledgements and closes the shift.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from soak_http import Answer, Client, Down, rupiah  # noqa: E402

FLOAT = 1_000_000
DENOMINATIONS = [100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100]
WEIGHTS = {"sale": 45, "deposit": 20, "repayment": 15, "redemption": 10, "refund": 10}
MAX_SERVER_ERRORS = 5
REFUND_LINE = re.compile(r'<label for="qty-(\d+)">([^<]+)</label>')
PAGE_ERRORS = re.compile(r'class="(?:flash flash-error|error)"[^>]*>(.*?)</div>', re.S)


class Cashier:
    def __init__(self, args: argparse.Namespace, world: dict):
        self.world, self.user = world, args.user
        self.http = Client("127.0.0.1", args.port)
        self.rng = random.Random(args.seed)
        self.log_file = open(args.log, "a", encoding="utf-8")  # noqa: SIM115
        self.hard_stop = args.deadline + args.grace
        self.items = {i["name"]: i for i in world["items"]}
        self.sales: list[dict] = []  # acknowledged sales that still have lines to return
        self.cash = FLOAT  # what the drawer should hold, by this cashier's own book

    def log(self, event: str, **fields) -> None:
        self.log_file.write(json.dumps({"t": time.time(), "ev": event, **fields}) + "\n")
        self.log_file.flush()

    # --- answering until answered ----------------------------------------------------------

    def until_answered(self, kind: str, key: str, call) -> tuple[Answer | None, int]:
        """Send ``call()`` until the server answers (not 5xx); the same request each time, so
        the same key. Returns (answer or None when it never did, retries)."""
        retries = errors = 0
        while True:
            try:
                answer = call()
            except Down as exc:
                if time.time() > self.hard_stop:
                    self.log("lost", kind=kind, key=key, reason=str(exc))
                    return None, retries
                retries += 1
                self.log("retry", kind=kind, key=key, reason=str(exc))
                time.sleep(0.2)
                continue
            if answer.status >= 500:
                errors += 1
                self.log("server_error", kind=kind, key=key, status=answer.status)
                if errors >= MAX_SERVER_ERRORS or time.time() > self.hard_stop:
                    self.log("lost", kind=kind, key=key, reason=f"HTTP {answer.status}")
                    return None, retries
                retries += 1
                time.sleep(0.2)
                continue
            return answer, retries

    def get(self, path: str) -> Answer | None:
        """A page, read as a browser would (after a redirect, too): waited for while the
        server is down, given up (None) only at the hard stop."""
        answer, _ = self.until_answered("page", "", lambda: self.http.request("GET", path))
        return answer

    # --- starting the day ------------------------------------------------------------------

    def start(self) -> None:
        page = self.get("/masuk")
        form = {
            "username": self.user,
            "password": self.world["password"],
            "csrf_token": self.http.page_csrf(page.text),
        }
        self.until_answered("login", "", lambda: self.http.request("POST", "/masuk", form=form))
        screen = self.get("/kasir/")
        if 'name="float_amount"' in screen.text:
            outlet = str(self.world["outlet_id"])
            form = {
                "float_amount": f"{FLOAT}",
                "outlet": outlet,
                "csrf_token": self.http.page_csrf(screen.text),
            }
            self.until_answered(
                "open", "", lambda: self.http.request("POST", "/kasir/shift/buka", form=form)
            )
            screen = self.get("/kasir/")
        self.http.csrf = self.http.page_csrf(screen.text)
        if 'name="float_amount"' in screen.text:
            raise SystemExit(f"{self.user}: could not open a shift")
        self.log("start", user=self.user, float=FLOAT)

    # --- the actions -----------------------------------------------------------------------

    def run(self, deadline: float, max_actions: int) -> None:
        done = 0
        kinds, weights = zip(*WEIGHTS.items(), strict=True)
        # One of each kind first (a sale before its refund), so even a short run does all.
        middle = ["redemption", "deposit", "repayment"]
        self.rng.shuffle(middle)
        opening = ["sale", *middle, "refund"]
        while time.time() < deadline and done < max_actions:
            kind = opening[done] if done < len(opening) else self.rng.choices(kinds, weights)[0]
            if kind == "refund" and not self.sales:
                kind = "sale"
            getattr(self, kind)(uuid.uuid4().hex)
            done += 1
        self.close_shift()

    def _checkout(self, kind: str, key: str, body: dict, sent: dict) -> None:
        self.log("send", kind=kind, key=key, **sent)
        started = time.perf_counter()
        answer, retries = self.until_answered(
            kind, key, lambda: self.http.request("POST", "/kasir/bayar", body=body)
        )
        if answer is None:
            return
        data = answer.json()
        timing = {"ms": round(answer.ms, 2), "total_ms": _since(started), "retries": retries}
        if answer.status == 200 and "number" in data:
            self.log(
                "ack",
                kind=kind,
                key=key,
                sale_id=data["sale_id"],
                number=data["number"],
                total=data["total"],
                **timing,
            )
            self.cash += data["total"]
            if kind == "sale":
                self.sales.append({"sale_id": data["sale_id"], "lines": dict(sent["names"])})
        else:
            self.log(
                "refused",
                kind=kind,
                key=key,
                status=answer.status,
                error=str(data.get("error"))[:300],
                **timing,
            )

    def sale(self, key: str) -> None:
        picked = self.rng.sample(self.world["items"], self.rng.randint(1, 5))
        qty = {i["name"]: self.rng.randint(1, 3) for i in picked}
        estimate = sum(qty[i["name"]] * i["price"] for i in picked)
        body = {
            "lines": [{"item_id": i["id"], "qty": str(qty[i["name"]])} for i in picked],
            "payments": [{"method": "tunai", "amount": -(-estimate // 10_000) * 10_000}],
            "idempotency_key": key,
        }
        if self.rng.random() < 0.3:
            body["member_id"] = self.rng.choice(self.world["members"])
        stock = {str(i["id"]): qty[i["name"]] for i in picked}
        self._checkout("sale", key, body, {"stock": stock, "names": sorted(qty.items())})

    def redemption(self, key: str) -> None:
        picked = self.rng.sample(self.world["fertilizer"], self.rng.randint(1, 2))
        sacks = {f["id"]: self.rng.randint(1, 3) for f in picked}
        body = {
            "lines": [
                {"item_id": f["id"], "item_unit_id": f["sack_unit_id"], "qty": str(sacks[f["id"]])}
                for f in picked
            ],
            "payments": [
                {"method": "tunai", "amount": sum(sacks[f["id"]] * f["sack_price"] for f in picked)}
            ],
            "idempotency_key": key,
            "extra": {"farmer_nik": self.rng.choice(self.world["farmers"])},
        }
        stock = {str(f["id"]): sacks[f["id"]] * f["bag_kg"] for f in picked}
        self._checkout("redemption", key, body, {"stock": stock})

    def refund(self, key: str) -> None:
        sale = self.rng.choice(self.sales)
        path = f"/kasir/struk/{sale['sale_id']}/retur"
        page = self.get(path)
        if page is None:
            return
        lines = [
            (lid, name)
            for lid, name in REFUND_LINE.findall(page.text)
            if f'name="qty-{lid}"' in page.text
        ]
        if not lines:
            self.sales.remove(sale)
            return
        chosen = self.rng.sample(lines, self.rng.randint(1, len(lines)))
        form = {
            "csrf_token": self.http.csrf,
            "idempotency_key": key,
            "reason": "Kemasan rusak (uji tahan)",
            "approver_username": self.world["approver"],
            "approver_password": self.world["password"],
        }
        stock = {}
        for lid, name in chosen:
            qty = sale["lines"][name]
            form[f"qty-{lid}"] = str(qty)
            stock[str(self.items[name]["id"])] = qty
        self.log("send", kind="refund", key=key, sale_id=sale["sale_id"], stock=stock)
        started = time.perf_counter()
        answer, retries = self.until_answered(
            "refund", key, lambda: self.http.request("POST", path, form=form)
        )
        if answer is None:
            return
        timing = {"ms": round(answer.ms, 2), "total_ms": _since(started), "retries": retries}
        flash = self.http.last_flash() if answer.status == 302 else None
        if flash and flash[0] == "success" and answer.location.startswith("/kasir/struk/"):
            number = flash[1].split()[1]
            amount = rupiah(flash[1])[0]
            doc_id = int(answer.location.rsplit("/", 1)[1])
            self.log(
                "ack", kind="refund", key=key, sale_id=doc_id, number=number, total=amount, **timing
            )
            self.cash -= amount
            for _lid, name in chosen:
                del sale["lines"][name]
            if not sale["lines"]:
                self.sales.remove(sale)
            self.get(answer.location)  # the browser shows the refund (and eats the flash)
        else:
            errors = [re.sub(r"<[^>]+>", " ", e).strip() for e in PAGE_ERRORS.findall(answer.text)]
            self.log(
                "refused",
                kind="refund",
                key=key,
                status=answer.status,
                error=("; ".join(errors) or _title(answer.text))[:300],
                **timing,
            )
            self.sales.remove(sale)

    def _simpin(self, kind: str, key: str, path: str, form: dict, sent: dict) -> dict | None:
        """Post a simpan pinjam form; its outcome is the flash message the 302 carries."""
        self.log("send", kind=kind, key=key, **sent)
        started = time.perf_counter()
        answer, retries = self.until_answered(
            kind, key, lambda: self.http.request("POST", path, form=form)
        )
        if answer is None:
            return None
        timing = {"ms": round(answer.ms, 2), "total_ms": _since(started), "retries": retries}
        flash = self.http.last_flash() if answer.status == 302 else None
        if answer.status == 302:
            self.get(answer.location)
        if flash is None or flash[0] != "success":
            error = flash[1] if flash else f"HTTP {answer.status}: {_title(answer.text)}"
            self.log(
                "refused", kind=kind, key=key, status=answer.status, error=error[:300], **timing
            )
            return None
        return {"message": flash[1], "amounts": rupiah(flash[1]), **timing}

    def deposit(self, key: str) -> None:
        member = self.rng.choice(self.world["members"])
        amount = self.rng.randrange(10_000, 500_001, 1_000)
        form = {
            "csrf_token": self.http.csrf,
            "kind": "sukarela",
            "amount": str(amount),
            "via": "tunai",
            "key": key,
        }
        path = f"/simpan-pinjam/anggota/{member}/setor"
        done = self._simpin("deposit", key, path, form, {"member_id": member, "amount": amount})
        if done:
            self.log(
                "ack",
                kind="deposit",
                key=key,
                member_id=member,
                total=done["amounts"][0],
                ms=done["ms"],
                total_ms=done["total_ms"],
                retries=done["retries"],
            )
            self.cash += done["amounts"][0]

    def repayment(self, key: str) -> None:
        loan = self.rng.choice(self.world["loans"])
        amount = self.rng.randrange(10_000, 200_001, 1_000)
        form = {"csrf_token": self.http.csrf, "amount": str(amount), "via": "tunai", "key": key}
        path = f"/simpan-pinjam/pinjaman/{loan['id']}/bayar"
        done = self._simpin("repayment", key, path, form, {"loan_id": loan["id"], "amount": amount})
        if done:
            total, _penalty, _interest, principal = done["amounts"][:4]
            self.log(
                "ack",
                kind="repayment",
                key=key,
                loan_id=loan["id"],
                total=total,
                principal=principal,
                ms=done["ms"],
                total_ms=done["total_ms"],
                retries=done["retries"],
            )
            self.cash += total

    # --- the end of the shift --------------------------------------------------------------

    def close_shift(self) -> None:
        """Count the drawer this cashier's acknowledgements say it holds, and close."""
        left, form = self.cash, {"csrf_token": self.http.csrf, "note": "Tutup uji tahan"}
        for value in DENOMINATIONS:
            form[f"d{value}"], left = str(left // value), left % value
        self.log("send", kind="close", key="", counted=self.cash)
        answer, _ = self.until_answered(
            "close", "", lambda: self.http.request("POST", "/kasir/shift/tutup", form=form)
        )
        flash = self.http.last_flash() if answer is not None and answer.status == 302 else None
        ok = bool(flash and flash[0] == "success")
        self.log(
            "ack" if ok else "refused",
            kind="close",
            key="",
            counted=self.cash,
            message=flash[1] if flash else (answer.text[:300] if answer else "no answer"),
            leftover=left,
        )


def _title(page: str) -> str:
    """What a refused page says, in a line: its title (an error page names the error)."""
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    return " ".join((found.group(1) if found else page[:120]).split())


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--deadline", type=float, required=True)
    parser.add_argument("--max-actions", type=int, default=10**9)
    parser.add_argument("--grace", type=float, default=120.0)
    args = parser.parse_args()
    cashier = Cashier(args, json.loads(args.world.read_text()))
    cashier.start()
    cashier.run(args.deadline, args.max_actions)


if __name__ == "__main__":
    main()

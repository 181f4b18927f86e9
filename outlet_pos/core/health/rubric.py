"""The health rubric as data: loading the shipped JSON file, the tiny formula evaluator, the
band lookup and the category thresholds.

The rubric is a file, not code, so a newer framework (Permenkop 9/2020) can sit beside
Perdep 06/2016 without touching the arithmetic. Formulas are evaluated by walking a parsed
expression that may only hold names, numbers and + - * / — never ``eval`` — over Fractions,
so a ratio is exact until the final score is rounded once.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_RUBRIC = "perdep06-2016"
RUBRIC_FILES = {"perdep06-2016": "health_rubric_perdep06_2016.json"}


class FormulaError(ValueError):
    """A rubric formula uses something other than names, numbers and + - * /."""


@dataclass(frozen=True)
class Band:
    lo: Fraction | None
    hi: Fraction | None
    value: int
    edges: str = "[)"

    def holds(self, ratio: Fraction) -> bool:
        if self.lo is not None:
            if ratio < self.lo or (self.edges[0] == "(" and ratio == self.lo):
                return False
        if self.hi is not None:
            if ratio > self.hi or (self.edges[1] == ")" and ratio == self.hi):
                return False
        return True

    @property
    def text(self) -> str:
        """``20% ≤ r < 40%`` — how the page states the band that applied."""
        low = "<" if self.edges[0] == "(" else "≤"
        high = "≤" if self.edges[1] == "]" else "<"
        if self.lo is not None and self.lo == self.hi:
            return f"r = {_num(self.lo)}%"
        if self.lo is None and self.hi is None:
            return "semua nilai"
        if self.lo is None:
            return f"r {high} {_num(self.hi)}%"
        if self.hi is None:
            return f"r {'>' if low == '<' else '≥'} {_num(self.lo)}%"
        return f"{_num(self.lo)}% {low} r {high} {_num(self.hi)}%"


@dataclass(frozen=True)
class Component:
    code: str
    aspect: str
    name: str
    weight: int
    numerator: str
    denominator: str
    bands: tuple[Band, ...]
    zero_value: int
    zero_reason: str
    advice: str
    explanation: str = ""

    @property
    def names(self) -> list[str]:
        """The figures the formula reads, in order of first use."""
        seen: list[str] = []
        for text in (self.numerator, self.denominator):
            for node in ast.walk(ast.parse(text, mode="eval")):
                if isinstance(node, ast.Name) and node.id not in seen:
                    seen.append(node.id)
        return seen


@dataclass(frozen=True)
class Subaspect:
    code: str
    key: str
    name: str
    weight: int
    questions: tuple[tuple[str, str], ...]  # (code, text)
    advice: str


@dataclass(frozen=True)
class Rubric:
    code: str
    title: str
    source: str
    note: str
    categories: tuple[tuple[str, Decimal, str], ...]  # (name, min score, colour), high first
    aspects: tuple[tuple[str, str, int], ...]  # (code, name, weight)
    components: tuple[Component, ...]
    manajemen_aspect: str
    subaspects: tuple[Subaspect, ...]
    atmr_default: int
    atmr_prefixes: dict[str, int]
    texts: dict[str, str] = field(default_factory=dict)  # window, no-loans policy, ...

    @property
    def question_codes(self) -> list[str]:
        return [q for s in self.subaspects for q, _t in s.questions]

    def atmr_weight(self, account_code: str) -> int:
        """Risk weight (percent) of an asset account: the longest matching code prefix."""
        best = ""
        for prefix in self.atmr_prefixes:
            if account_code.startswith(prefix) and len(prefix) > len(best):
                best = prefix
        return self.atmr_prefixes[best] if best else self.atmr_default

    def category_of(self, score: Decimal) -> tuple[str, str]:
        for name, minimum, colour in self.categories:
            if score >= minimum:
                return name, colour
        name, _m, colour = self.categories[-1]
        return name, colour


def _num(value: Fraction) -> str:
    return str(Decimal(value.numerator) / Decimal(value.denominator)).replace(".", ",")


def _fraction(value: Any) -> Fraction | None:
    # Through str: the JSON 7.5 becomes exactly 15/2, not the float's binary neighbour.
    return None if value is None else Fraction(str(value))


def _band(raw: dict) -> Band:
    edges = raw.get("edges", "[)")
    if len(edges) != 2 or edges[0] not in "[(" or edges[1] not in ")]":
        raise ValueError(f"band edges must look like '[)', got {edges!r}")
    return Band(_fraction(raw["from"]), _fraction(raw["to"]), int(raw["value"]), edges)


def parse(data: dict) -> Rubric:
    """Build a :class:`Rubric` from its JSON, checking that the weights add up to 100 and that
    every formula is one the evaluator accepts."""
    components = tuple(
        Component(
            code=c["code"],
            aspect=c["aspect"],
            name=c["name"],
            weight=int(c["weight"]),
            numerator=c["formula"]["numerator"],
            denominator=c["formula"]["denominator"],
            bands=tuple(_band(b) for b in c["bands"]),
            zero_value=int(c["if_denominator_zero"]["value"]),
            zero_reason=c["if_denominator_zero"]["reason"],
            advice=c["advice"],
            explanation=c.get("explanation", ""),
        )
        for c in data["components"]
    )
    man = data["manajemen"]
    subaspects = tuple(
        Subaspect(
            code=s["code"],
            key=s["key"],
            name=s["name"],
            weight=int(s["weight"]),
            questions=tuple((q["code"], q["text"]) for q in s["questions"]),
            advice=s["advice"],
        )
        for s in man["subaspects"]
    )
    aspects = tuple((a["code"], a["name"], int(a["weight"])) for a in data["aspects"])
    categories = tuple(
        sorted(
            ((c["name"], Decimal(str(c["min"])), c.get("color", "")) for c in data["categories"]),
            key=lambda c: c[1],
            reverse=True,
        )
    )
    rubric = Rubric(
        code=data["code"],
        title=data["title"],
        source=data["source"],
        note=data["note"],
        categories=categories,
        aspects=aspects,
        components=components,
        manajemen_aspect=man["aspect"],
        subaspects=subaspects,
        atmr_default=int(data["atmr_weights"]["default"]),
        atmr_prefixes={k: int(v) for k, v in data["atmr_weights"]["prefixes"].items()},
        texts={
            k: data[k]
            for k in ("edges", "denominator_rule", "no_loans_policy", "window")
            if k in data
        },  # fmt: skip
    )
    _check(rubric)
    return rubric


def _check(rubric: Rubric) -> None:
    weights = {code: w for code, _n, w in rubric.aspects}
    if sum(weights.values()) != 100:
        raise ValueError("aspect weights must add up to 100")
    parts: dict[str, int] = dict.fromkeys(weights, 0)
    for c in rubric.components:
        parts[c.aspect] += c.weight
        for text in (c.numerator, c.denominator):
            compile_formula(text)
    parts[rubric.manajemen_aspect] += sum(s.weight for s in rubric.subaspects)
    if parts != weights:
        raise ValueError(f"component weights {parts} do not match aspect weights {weights}")


@cache
def _shipped(code: str) -> Rubric:
    text = resources.files("outlet_pos.data").joinpath(RUBRIC_FILES[code]).read_text("utf-8")
    return parse(json.loads(text))


@cache
def _published(master_id: int, payload: str) -> Rubric:
    return parse(json.loads(payload))


def load(code: str = DEFAULT_RUBRIC) -> Rubric:
    """The rubric ``code``: the newest version the district server published (master data,
    core/sync), else the one shipped with the app."""
    from flask import has_app_context

    if has_app_context():
        from sqlalchemy import select

        from outlet_pos.core.sync.models import MasterData
        from outlet_pos.extensions import db

        rows = db.session.execute(
            select(MasterData.id, MasterData.payload)
            .where(MasterData.kind == "health_rubric")
            .order_by(MasterData.version.desc())
        ).all()
        for master_id, payload in rows:
            rubric = _published(master_id, payload)
            if rubric.code == code:
                return rubric
    if code not in RUBRIC_FILES:
        raise KeyError(code)
    return _shipped(code)


# --- formulas ------------------------------------------------------------------------------

_OPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


@cache
def compile_formula(text: str) -> ast.Expression:
    """Parse and vet a formula once: names, integer/decimal numbers, + - * / and brackets."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {text!r}: {exc.msg}") from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Name | ast.Load | ast.operator | ast.unaryop):
            if isinstance(node, ast.operator) and type(node) not in _OPS:
                raise FormulaError(f"formula {text!r}: operator {type(node).__name__}")
            if isinstance(node, ast.unaryop) and not isinstance(node, ast.USub):
                raise FormulaError(f"formula {text!r}: operator {type(node).__name__}")
            continue
        if isinstance(node, ast.BinOp | ast.UnaryOp):
            continue
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            continue
        raise FormulaError(f"formula {text!r}: {type(node).__name__} is not allowed")
    return tree


def evaluate_formula(text: str, figures: dict[str, int | Fraction]) -> Fraction:
    """The value of a formula over named figures, exactly. Unknown names are an error (a
    typo in the rubric must not silently read as zero); division by zero raises
    ZeroDivisionError for the caller to treat as "tidak dapat dihitung"."""

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Name):
            if node.id not in figures:
                raise FormulaError(f"formula {text!r}: unknown figure {node.id!r}")
            return Fraction(figures[node.id])
        if isinstance(node, ast.Constant):
            return Fraction(str(node.value))
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        raise FormulaError(f"formula {text!r}: {type(node).__name__}")  # vetted; unreachable

    return walk(compile_formula(text))


def band_for(bands: tuple[Band, ...], ratio: Fraction) -> Band | None:
    """The first band holding ``ratio`` (percent)."""
    return next((b for b in bands if b.holds(ratio)), None)

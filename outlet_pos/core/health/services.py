"""Health assessment of one cooperative (DESIGN §3.6): evaluate the rubric over the books,
store an assessment with the mentor's questionnaire, read the history.

``evaluate`` writes nothing and needs no request, so the portfolio, the digest and the demo
call it as the pages do. Scores stay exact (Fractions) until the total is rounded once, half
up, to two decimals; a component's own score is rounded only for display.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core import audit
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.health import figures as figures_mod
from outlet_pos.core.health.figures import FIGURE_DEFS
from outlet_pos.core.health.models import HealthAssessment
from outlet_pos.core.health.rubric import DEFAULT_RUBRIC, Rubric, band_for, evaluate_formula, load
from outlet_pos.core.ledger.models import Period
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up

NOTE_MAX = 2000
NOT_COMPUTABLE = "tidak dapat dihitung"


def to_decimal(value: Fraction) -> Decimal:
    """Two decimals, halves away from zero, exactly (integer arithmetic)."""
    return Decimal(round_half_up(value * 100)).scaleb(-2)


def percent_text(value: Fraction | None) -> str:
    if value is None:
        return NOT_COMPUTABLE
    return f"{to_decimal(value):,.2f}%".replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass
class ComponentResult:
    code: str
    aspect: str
    name: str
    weight: int
    ratio: Fraction | None  # percent; None when the denominator is zero or negative
    ratio_text: str
    band_value: Decimal  # 0..100
    band_text: str
    score: Decimal  # 2 decimals, for display; the total sums the exact scores
    max: int
    weak: bool
    advice: str
    note: str = ""  # why the ratio could not be computed
    figures: list[str] = field(default_factory=list)
    formula: str = ""
    explanation: str = ""
    questions: list[tuple[str, str, bool]] = field(default_factory=list)
    exact: Fraction = Fraction(0)

    def as_record(self) -> dict:
        return {
            "code": self.code, "aspect": self.aspect, "name": self.name, "weight": self.weight,
            "ratio": None if self.ratio is None else str(self.ratio),
            "ratio_text": self.ratio_text, "band_value": str(self.band_value),
            "band_text": self.band_text, "score": str(self.score), "max": self.max,
            "weak": self.weak, "advice": self.advice, "note": self.note,
            "figures": self.figures, "formula": self.formula, "explanation": self.explanation,
            "questions": [list(q) for q in self.questions], "exact": str(self.exact),
        }  # fmt: skip

    @classmethod
    def from_record(cls, r: dict) -> ComponentResult:
        return cls(
            code=r["code"], aspect=r["aspect"], name=r["name"], weight=int(r["weight"]),
            ratio=None if r["ratio"] is None else Fraction(r["ratio"]),
            ratio_text=r["ratio_text"], band_value=Decimal(r["band_value"]),
            band_text=r["band_text"], score=Decimal(r["score"]), max=int(r["max"]),
            weak=bool(r["weak"]), advice=r["advice"], note=r.get("note", ""),
            figures=list(r.get("figures", [])), formula=r.get("formula", ""),
            explanation=r.get("explanation", ""),
            questions=[tuple(q) for q in r.get("questions", [])],
            exact=Fraction(r.get("exact", r["score"])),
        )  # fmt: skip


@dataclass
class AspectResult:
    code: str
    name: str
    weight: int
    score: Decimal
    components: list[ComponentResult]


@dataclass
class FigureValue:
    code: str
    label: str
    explanation: str
    value: int


@dataclass
class Evaluation:
    as_of: date
    window: tuple[date, date]
    figures: dict[str, FigureValue]
    components: list[ComponentResult]
    aspects: list[AspectResult]
    score: Decimal
    category: str
    colour: str
    rubric: Rubric
    answers: dict[str, bool]

    @property
    def weak(self) -> list[ComponentResult]:
        return [c for c in self.components if c.weak]


def category_of(score: Decimal, rubric_code: str = DEFAULT_RUBRIC) -> str:
    """Sehat >= 80, Cukup Sehat 66 to < 80, Dalam Pengawasan 51 to < 66, else DPK."""
    return load(rubric_code).category_of(Decimal(score))[0]


def colour_of(category: str, rubric_code: str = DEFAULT_RUBRIC) -> str:
    """The badge colour the rubric gives a category (ok / warn / red)."""
    return next((c for n, _m, c in load(rubric_code).categories if n == category), "")


def _ratio_component(c, values: dict[str, int]) -> ComponentResult:
    den = evaluate_formula(c.denominator, values)
    note = ""
    if den <= 0:
        ratio, band_text, value, note = None, NOT_COMPUTABLE, Fraction(c.zero_value), c.zero_reason
    else:
        ratio = evaluate_formula(c.numerator, values) * 100 / den
        band = band_for(c.bands, ratio)
        if band is None:  # a rubric with a gap: score nothing rather than guess
            value, band_text = Fraction(0), "di luar semua pita"
        else:
            value, band_text = Fraction(band.value), band.text
    exact = value * c.weight / 100
    return ComponentResult(
        code=c.code, aspect=c.aspect, name=c.name, weight=c.weight, ratio=ratio,
        ratio_text=percent_text(ratio), band_value=to_decimal(value), band_text=band_text,
        score=to_decimal(exact), max=c.weight, weak=exact < c.weight, advice=c.advice,
        note=note, figures=c.names, formula=f"({c.numerator}) / ({c.denominator}) × 100%",
        explanation=c.explanation, exact=exact,
    )  # fmt: skip


def _questionnaire(sub, answers: dict[str, bool]) -> ComponentResult:
    yes = sum(1 for code, _t in sub.questions if answers.get(code))
    share = Fraction(yes * 100, len(sub.questions))
    exact = share * sub.weight / 100
    return ComponentResult(
        code=sub.code, aspect="manajemen", name=sub.name, weight=sub.weight, ratio=share,
        ratio_text=f"{yes} dari {len(sub.questions)} ya", band_value=to_decimal(share),
        band_text="bobot × ya / jumlah pertanyaan", score=to_decimal(exact), max=sub.weight,
        weak=exact < sub.weight, advice=sub.advice,
        questions=[(code, text, bool(answers.get(code))) for code, text in sub.questions],
        exact=exact,
    )  # fmt: skip


def _assemble(rubric: Rubric, as_of: date, values: dict[str, int], components, answers):
    by_aspect = {code: [] for code, _n, _w in rubric.aspects}
    for comp in components:
        by_aspect[comp.aspect].append(comp)
    aspects = [
        AspectResult(code, name, weight, to_decimal(sum((c.exact for c in by_aspect[code]),
                                                        Fraction(0))), by_aspect[code])
        for code, name, weight in rubric.aspects
    ]  # fmt: skip
    total = to_decimal(sum((c.exact for c in components), Fraction(0)))
    category, colour = rubric.category_of(total)
    figs = {
        code: FigureValue(code, d.label, d.explanation, values[code])
        for code, d in FIGURE_DEFS.items()
        if code in values
    }
    ordered = [c for a in aspects for c in a.components]
    return Evaluation(as_of, figures_mod.window(as_of), figs, ordered, aspects, total, category,
                      colour, rubric, answers)  # fmt: skip


def evaluate(
    coop: Cooperative,
    as_of: date,
    answers: dict[str, bool] | None = None,
    *,
    rubric_code: str = DEFAULT_RUBRIC,
) -> Evaluation:
    """The rubric over ``coop``'s books at ``as_of`` with the questionnaire ``answers``
    (question code -> yes); unanswered questions count as "no". Writes nothing."""
    rubric = load(rubric_code)
    answers = {k: bool(v) for k, v in (answers or {}).items() if k in set(rubric.question_codes)}
    values = figures_mod.compute(coop, as_of, rubric)
    components = [_ratio_component(c, values) for c in rubric.components]
    components += [_questionnaire(s, answers) for s in rubric.subaspects]
    return _assemble(rubric, as_of, values, components, answers)


def stored(assessment: HealthAssessment) -> Evaluation:
    """An assessment as it was evaluated when saved (never recomputed from today's books)."""
    rubric = load(assessment.rubric_code)
    values = {k: int(v) for k, v in assessment.figures.items()}
    components = [ComponentResult.from_record(r) for r in assessment.components]
    evaluation = _assemble(rubric, assessment.as_of, values, components, assessment.answers)
    evaluation.score = Decimal(assessment.score).quantize(Decimal("0.01"))
    evaluation.category = assessment.category
    evaluation.colour = colour_of(assessment.category, assessment.rubric_code)
    return evaluation


def default_as_of(coop: Cooperative) -> date:
    """End of the last closed month (figures that no longer move), else today."""
    last = db.session.execute(
        select(Period.year, Period.month)
        .where(Period.cooperative_id == coop.id, Period.closed.is_(True))
        .order_by(Period.year.desc(), Period.month.desc())
        .limit(1)
    ).first()
    if last is None:
        return coop.today()
    year, month = last
    return date(year, month, calendar.monthrange(year, month)[1])


def save_assessment(
    coop: Cooperative,
    as_of: date | None,
    answers: dict[str, bool] | None,
    user,
    note: str = "",
    *,
    rubric_code: str = DEFAULT_RUBRIC,
) -> HealthAssessment:
    """Evaluate and store one assessment with its audit row (flush only: the caller's
    ``run_transaction`` commits). Refuses a missing or future date and an overlong note."""
    if not isinstance(as_of, date):
        raise ValidationError("Tanggal penilaian wajib diisi (TTTT-BB-HH).", field="as_of")
    if as_of.year < 1900:
        raise ValidationError("Tanggal penilaian tidak masuk akal.", field="as_of")
    if as_of > coop.today():
        raise ValidationError(
            "Tanggal penilaian tidak boleh melewati hari ini: buku untuk tanggal itu belum ada.",
            field="as_of",
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"Catatan paling panjang {NOTE_MAX} karakter.", field="note")
    evaluation = evaluate(coop, as_of, answers, rubric_code=rubric_code)
    row = HealthAssessment(
        cooperative_id=coop.id,
        as_of=as_of,
        rubric_code=rubric_code,
        answers_json=json.dumps(evaluation.answers, sort_keys=True),
        figures_json=json.dumps({k: f.value for k, f in evaluation.figures.items()}),
        components_json=json.dumps(
            [c.as_record() for c in evaluation.components], ensure_ascii=False
        ),  # fmt: skip
        score=evaluation.score,
        category=evaluation.category,
        note=note,
        assessed_by_id=getattr(user, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "health.assess",
        user=user,
        cooperative=coop,
        target=f"Penilaian kesehatan {as_of.isoformat()}",
        detail={
            "assessment": row.id,
            "score": str(evaluation.score),
            "category": evaluation.category,
        },  # fmt: skip
    )
    return row


def history(coop: Cooperative) -> list[HealthAssessment]:
    """Every assessment of ``coop``, newest date first."""
    return list(
        db.session.scalars(
            select(HealthAssessment)
            .where(HealthAssessment.cooperative_id == coop.id)
            .order_by(HealthAssessment.as_of.desc(), HealthAssessment.id.desc())
        )
    )


def latest(coop: Cooperative) -> HealthAssessment | None:
    return db.session.scalars(
        select(HealthAssessment)
        .where(HealthAssessment.cooperative_id == coop.id)
        .order_by(HealthAssessment.as_of.desc(), HealthAssessment.id.desc())
        .limit(1)
    ).first()

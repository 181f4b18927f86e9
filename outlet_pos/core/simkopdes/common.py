"""What every table of the export shares: the context of one export run and the shape of a
table (its rows, and a row count that needs no rows)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Select, case, func, select

from outlet_pos.core.parties import Member
from outlet_pos.core.simkopdes.formats import Clock, Refs
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

Row = dict[str, str]
CHUNK = 2000


class Context:
    """One export of one cooperative: its codes, its clock and the small lookups several
    tables need (member names, barcodes), each read once."""

    def __init__(self, coop: Cooperative) -> None:
        self.coop = coop
        self.refs = Refs(coop)
        self.clock = Clock(coop)
        self.cache: dict[str, Any] = {}  # lookups one table reads and another reuses

    @property
    def koperasi_ref(self) -> str:
        return self.refs.koperasi

    @cached_property
    def member_names(self) -> dict[int, str]:
        return dict(
            db.session.execute(
                select(Member.id, Member.name).where(Member.cooperative_id == self.coop.id)
            ).all()
        )

    @cached_property
    def barcodes(self) -> dict[int, str]:
        """Item id -> the barcode that names its base unit (else its first barcode)."""
        from outlet_pos.core.inventory.models import ItemBarcode, ItemUnit

        rows = db.session.execute(
            select(ItemBarcode.item_id, ItemBarcode.code)
            .join(ItemUnit, ItemUnit.id == ItemBarcode.item_unit_id)
            .where(ItemBarcode.cooperative_id == self.coop.id)
            .order_by(case((ItemUnit.factor == 1, 0), else_=1), ItemBarcode.id)
        ).all()
        codes: dict[int, str] = {}
        for item_id, code in rows:
            codes.setdefault(item_id, code)
        return codes


@dataclass(frozen=True)
class Table:
    """One SIMKOPDES table as we fill it.

    ``rows`` yields dicts keyed by the dictionary's column names (a missing column is empty);
    ``base`` is the query whose rows are the table's rows one to one, so the page can show a
    count without building the rows; tables without it are small and simply counted.
    ``note`` says, in Indonesian, what the table holds or why it is empty.
    """

    name: str
    rows: Callable[[Context], Iterator[Row]]
    note: str
    base: Callable[[Context], Select] | None = None

    def count(self, ctx: Context) -> int:
        if self.base is None:
            return sum(1 for _ in self.rows(ctx))
        stmt = self.base(ctx)
        return int(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def empty(_ctx: Context) -> Iterator[Row]:
    """A table we hold nothing for: its CSV is the header alone."""
    return iter(())


def fetch(stmt: Select) -> Any:
    """Run a select through the session's connection as plain Core: the export reads tens of
    thousands of rows per table, and the ORM's row loading would cost as much as the rest of
    the export together."""
    return db.session.connection().execute(stmt)


def chunks(stmt: Select, id_column: Any, size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """The rows of ``stmt`` in ``id_column`` order, ``size`` at a time, from one streamed
    query (a server-side cursor on PostgreSQL, SQLite's own lazy cursor): memory stays flat
    however many sales a cooperative has, and each batch can fetch what its rows need (their
    lines, payments) with one indexed ``IN`` query."""
    result = db.session.connection().execute(
        stmt.order_by(id_column), execution_options={"yield_per": size}
    )
    yield from result.partitions()

"""Find before create: an ERP record about to get a new CRM row is first looked up
among the CRM rows its mapping's match criteria would couple it to (BC ref §4.2
step 1, "OnFindUncoupledDestinationRecord", which BC does for currencies and
units; Couplet does it for every mapping with match fields).

Why: a pass that creates (an only-coupled mapping's `createInCrm`, a released
record, a mapping with `onlyCoupled: false`, a full synchronization) must never
add a second row for a record that matching would have coupled — a unit group's
base unit, which Dataverse creates with the group, or an account a salesperson
entered before the integration ran. Exactly one uncoupled row that matches is
coupled instead of created; several are AMBIGUOUS and nothing is created (the
user couples by hand); none, and the row is created.

Cost: a pass with a few creates asks the CRM for the rows equal to their
criteria, 20 records per query; a full synchronization reads the mapping's
uncoupled CRM rows once into an index (one request per 5,000 rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from domain.couplings.matching import CrmIndex, decide_match, normalized
from domain.crm import Lookup, odata_literal
from domain.jobs.params import Criterion
from domain.sync.context import SyncContext

CHUNK = 20


@dataclass(frozen=True, slots=True)
class Found:
    """What the criteria found for one record: one row, several, or none."""

    crm_id: UUID | None = None
    ambiguous: tuple[UUID, ...] = ()


def criteria_of(sc: SyncContext) -> list[Criterion]:
    """The mapping's match fields that go to the CRM (a lookup compares the coupled row)."""
    if sc.mapping.is_option_mapping:
        return []
    return [
        Criterion(f.erp_field, f.crm_attribute, f.match_priority, f.case_sensitive)
        for f in sc.mapping.match_fields()
        if f.erp_field and f.crm_attribute and not f.is_constant
    ]


def _groups(criteria: Sequence[Criterion]) -> dict[int, list[Criterion]]:
    groups: dict[int, list[Criterion]] = {}
    for c in criteria:
        groups.setdefault(c.priority, []).append(c)
    return dict(sorted(groups.items()))


def _query_attribute(name: str, value: object) -> str:
    return f"_{name}_value" if isinstance(value, Lookup) else name


@dataclass
class CounterpartFinder:
    """One per pass: remembers which rows it handed out, so two records never get one row."""

    sc: SyncContext
    criteria: list[Criterion]
    taken: set[UUID | int] = field(default_factory=set)
    _index: CrmIndex | None = None

    @classmethod
    def of(cls, sc: SyncContext) -> CounterpartFinder | None:
        criteria = criteria_of(sc)
        return cls(sc, criteria) if criteria else None

    async def find(self, wanted: Sequence[tuple[UUID, Mapping[str, object]]]) -> dict[UUID, Found]:
        """For each (ERP id, the CRM values it would be created with): what matches."""
        if not wanted:
            return {}
        index = await self._full_index() if self.sc.params.full else await self._index_for(wanted)
        found: dict[UUID, Found] = {}
        for erp_id, values in wanted:
            by_erp_field = {c.erp_field: values.get(c.crm_attribute) for c in self.criteria}
            match, ambiguous = decide_match(index, by_erp_field, self.taken)
            if match is not None:
                self.taken.add(match)
                found[erp_id] = Found(crm_id=match if isinstance(match, UUID) else None)
            elif ambiguous:
                found[erp_id] = Found(ambiguous=tuple(a for a in ambiguous if isinstance(a, UUID)))
        return found

    async def _full_index(self) -> CrmIndex:
        if self._index is None:
            index = CrmIndex(_groups(self.criteria))
            await self._read_into(index, self.sc.mapping.crm_filter)
            self._index = index
        return self._index

    async def _index_for(self, wanted: Sequence[tuple[UUID, Mapping[str, object]]]) -> CrmIndex:
        index = CrmIndex(_groups(self.criteria))
        terms: list[str] = []
        for _, values in wanted:
            for criteria in index.groups.values():
                parts = []
                for c in criteria:
                    value = values.get(c.crm_attribute)
                    if normalized(value, c.case_sensitive) is None:
                        break
                    if isinstance(value, str):
                        value = value.strip()
                    parts.append(f"{_query_attribute(c.crm_attribute, value)} eq {odata_literal(value)}")  # type: ignore[arg-type]
                else:
                    terms.append("(" + " and ".join(parts) + ")")
        for start in range(0, len(terms), CHUNK):
            condition = " or ".join(terms[start : start + CHUNK])
            crm_filter = self.sc.mapping.crm_filter
            await self._read_into(index, f"({crm_filter}) and ({condition})" if crm_filter else condition)
        return index

    async def _read_into(self, index: CrmIndex, crm_filter: str | None) -> None:
        select = sorted({c.crm_attribute for c in self.criteria})
        async for page in self.sc.crm.query(self.sc.mapping.crm_entity, filter=crm_filter, select=select):
            async with self.sc.job.uow() as uow:
                coupled = await uow.couplings.in_mapping_by_crm(self.sc.mapping.name, [r.id for r in page])
            for row in page:
                if row.id not in coupled:
                    index.add(row.id, row.attributes)

"""What one sync pass works with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from uuid import UUID

from domain.couplings.model import Coupling
from domain.crm import CrmRows
from domain.jobs.params import SyncParams
from domain.jobs.runner import JobContext
from domain.mappings.model import FieldMapping, SyncDirection, TableMapping, UpdateConflictResolution
from domain.sync.decisions import Winner

CoupledHook = Callable[[str, list[UUID]], Awaitable[None]]
"""Called after a pass for each mapping that got couplings: (mapping, the ERP
records a CRM → ERP pass coupled, whose own values go back to the CRM)."""


@dataclass
class SyncContext:
    job: JobContext
    crm: CrmRows
    mapping: TableMapping
    mappings: Mapping[str, TableMapping]
    direction: SyncDirection
    params: SyncParams
    started: datetime
    lcy: str | None
    integration_user: UUID | None = None
    on_coupled: CoupledHook | None = None
    coupled_now: set[str] = field(default_factory=set)  # mappings that got couplings in this pass
    coupled_erp_ids: list[UUID] = field(default_factory=list)  # the ERP records this pass coupled
    finder: Any = None  # the pass's CounterpartFinder (False: the mapping has no match fields)

    def new_coupling(self, erp_id: UUID, crm_id: UUID, *, pending: bool = False) -> Coupling:
        """A coupling of this pass's mapping, made now."""
        now = self.job.clock.now()
        return Coupling(
            id=self.job.ids.new_id(),
            mapping=self.mapping.name,
            erp_id=erp_id,
            crm_id=crm_id,
            pending=pending,
            created_at=now,
            modified_at=now,
        )

    @cached_property
    def fields(self) -> tuple[FieldMapping, ...]:
        """The enabled field mappings this pass writes."""
        return self.mapping.fields_for(self.direction)

    @property
    def creates(self) -> bool:
        """Whether uncoupled records get a counterpart in this pass."""
        return not self.mapping.only_coupled or self.params.create or self.params.full

    @property
    def shared(self) -> set[str]:
        """CRM attributes mapped both ways (where merges and conflicts happen)."""
        return {
            f.crm_attribute
            for f in self.mapping.fields
            if f.enabled and f.crm_attribute and f.direction is SyncDirection.BIDIRECTIONAL
        }

    @property
    def winner(self) -> Winner:
        """Who wins a conflict in this pass."""
        policy = self.mapping.update_conflict_resolution
        if policy is UpdateConflictResolution.NONE:
            return Winner.NOBODY
        to_crm_wins = policy is UpdateConflictResolution.SEND_TO_CRM
        return (
            Winner.SOURCE if to_crm_wins == (self.direction is SyncDirection.TO_CRM) else Winner.DESTINATION
        )

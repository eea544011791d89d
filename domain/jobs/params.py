"""What each kind of job is told to do, and the one JSON form it is kept in
(the job row's `params` column). The JSON keys are those rows have always had,
so old rows load; a key a kind does not know is ignored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Self
from uuid import UUID

from domain.mappings.model import SyncDirection


def _uuids(values: Any) -> tuple[UUID, ...]:
    return tuple(UUID(str(v)) for v in values or ())


@dataclass(frozen=True, slots=True, kw_only=True)
class JobParams:
    """What every job carries for the runner: the jobs it must follow
    (`after_jobs`: a CRM → ERP pass after its ERP → CRM pass, a dependant after its
    prerequisites) and how often its worker stopped under it (`interruptions`)."""

    after_jobs: tuple[UUID, ...] = ()
    interruptions: int = 0

    def interrupted(self) -> Self:
        """The same parameters, one more interruption counted."""
        return replace(self, interruptions=self.interruptions + 1)

    def following(self, jobs: tuple[UUID, ...]) -> Self:
        """The same parameters, waiting for `jobs` too."""
        return replace(self, after_jobs=(*self.after_jobs, *jobs))

    @staticmethod
    def _common(data: Mapping[str, Any]) -> dict[str, Any]:
        after = _uuids(data.get("after_jobs"))
        if data.get("after_job"):  # rows written before `after_jobs`
            after = (*after, UUID(str(data["after_job"])))
        return {"after_jobs": after, "interruptions": int(data.get("interruptions") or 0)}

    def _common_json(self) -> dict[str, Any]:
        json: dict[str, Any] = {}
        if self.after_jobs:
            json["after_jobs"] = [str(i) for i in self.after_jobs]
        if self.interruptions:
            json["interruptions"] = self.interruptions
        return json


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncParams(JobParams):
    """How a SYNC job runs. `erp_ids`/`crm_ids` restrict it to those records;
    `create` lets it create counterparts even in only-coupled mappings; `full`
    reads everything (no watermark) and creates (full synchronization); `force`
    writes every mapped value, changed or not."""

    erp_ids: tuple[UUID, ...] = ()
    crm_ids: tuple[UUID, ...] = ()
    create: bool = False
    full: bool = False
    force: bool = False

    @property
    def explicit(self) -> bool:
        return bool(self.erp_ids or self.crm_ids)

    @classmethod
    def of_json(cls, data: Mapping[str, Any]) -> SyncParams:
        return cls(
            erp_ids=_uuids(data.get("erp_ids")),
            crm_ids=_uuids(data.get("crm_ids")),
            create=bool(data.get("create")),
            full=bool(data.get("full")),
            force=bool(data.get("force")),
            **cls._common(data),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "erp_ids": [str(i) for i in self.erp_ids],
            "crm_ids": [str(i) for i in self.crm_ids],
            "create": self.create,
            "full": self.full,
            "force": self.force,
            **self._common_json(),
        }


@dataclass(frozen=True, slots=True)
class Criterion:
    """Match on this ERP field and CRM attribute; criteria of one priority are
    matched together, the lowest priority first."""

    erp_field: str
    crm_attribute: str
    priority: int = 0
    case_sensitive: bool = False

    def as_param(self) -> dict[str, object]:
        return {
            "erp_field": self.erp_field,
            "crm_attribute": self.crm_attribute,
            "priority": self.priority,
            "case_sensitive": self.case_sensitive,
        }

    @classmethod
    def of_param(cls, data: Mapping[str, Any]) -> Criterion:
        return cls(
            str(data["erp_field"]),
            str(data["crm_attribute"]),
            int(data["priority"]),
            bool(data["case_sensitive"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchParams(JobParams):
    """How a MATCH job couples: on `criteria`; creating the counterpart of a record
    without a match (`create_if_no_match`); synchronizing new pairs in `sync_after`;
    or, with `dry_run`, only reporting the plan."""

    criteria: tuple[Criterion, ...] = ()
    create_if_no_match: bool = False
    sync_after: SyncDirection | None = None
    dry_run: bool = False

    @classmethod
    def of_json(cls, data: Mapping[str, Any]) -> MatchParams:
        return cls(
            criteria=tuple(Criterion.of_param(c) for c in data.get("criteria") or ()),
            create_if_no_match=bool(data.get("create_if_no_match")),
            sync_after=SyncDirection(data["sync_after"]) if data.get("sync_after") else None,
            dry_run=bool(data.get("dry_run")),
            **cls._common(data),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "criteria": [c.as_param() for c in self.criteria],
            "create_if_no_match": self.create_if_no_match,
            "sync_after": self.sync_after.value if self.sync_after else None,
            "dry_run": self.dry_run,
            **self._common_json(),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class UncoupleParams(JobParams):
    """Which couplings an UNCOUPLE job removes: those listed, else all of its
    mapping's. `crm_id` records the deleted CRM row a webhook reported."""

    coupling_ids: tuple[UUID, ...] = ()
    crm_id: UUID | None = None

    @classmethod
    def of_json(cls, data: Mapping[str, Any]) -> UncoupleParams:
        return cls(
            coupling_ids=_uuids(data.get("coupling_ids")),
            crm_id=UUID(str(data["crm_id"])) if data.get("crm_id") else None,
            **cls._common(data),
        )

    def as_json(self) -> dict[str, Any]:
        json: dict[str, Any] = {}  # only what is set, as these rows have always been written
        if self.coupling_ids:
            json["coupling_ids"] = [str(i) for i in self.coupling_ids]
        if self.crm_id is not None:
            json["crm_id"] = str(self.crm_id)
        return {**json, **self._common_json()}


@dataclass(frozen=True, slots=True, kw_only=True)
class StockParams(JobParams):
    """A STOCK job pushes every coupled product's stock: it takes no parameters of its own."""

    @classmethod
    def of_json(cls, data: Mapping[str, Any]) -> StockParams:
        return cls(**cls._common(data))

    def as_json(self) -> dict[str, Any]:
        return self._common_json()


JobParameters = SyncParams | MatchParams | UncoupleParams | StockParams
"""The parameters of a job, one class per kind (`PARAMS_OF` in domain.jobs.model)."""

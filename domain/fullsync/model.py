"""The full-sync review (DOMAIN.md "Full sync"; BC ref §5.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Recommendation(StrEnum):
    FULL_SYNCHRONIZATION = "FULL_SYNCHRONIZATION"  # one side is empty: copy everything across
    COUPLE_RECORDS = "COUPLE_RECORDS"  # both sides have data: match them first
    NO_RECORDS_FOUND = "NO_RECORDS_FOUND"


class LineStatus(StrEnum):
    BLANK = "BLANK"
    READY = "READY"
    IN_PROCESS = "IN_PROCESS"
    ERROR = "ERROR"
    ON_HOLD = "ON_HOLD"
    FINISHED = "FINISHED"


class PassStatus(StrEnum):
    BLANK = "BLANK"
    SUCCESS = "SUCCESS"
    IN_PROCESS = "IN_PROCESS"
    ERROR = "ERROR"


@dataclass
class ReviewLine:
    mapping: str
    position: int
    recommendation: Recommendation
    modified_at: datetime
    status: LineStatus = LineStatus.BLANK
    to_crm_status: PassStatus = PassStatus.BLANK
    from_crm_status: PassStatus = PassStatus.BLANK
    to_crm_job_id: UUID | None = None
    from_crm_job_id: UUID | None = None
    message: str | None = None

    @property
    def satisfies_dependants(self) -> bool:
        """A dependant may start once this line is finished or had nothing to do."""
        return self.status is LineStatus.FINISHED or self.recommendation is Recommendation.NO_RECORDS_FOUND

    @property
    def startable(self) -> bool:
        return self.status in (LineStatus.BLANK, LineStatus.READY, LineStatus.ON_HOLD)


def recommend(erp_has_rows: bool, crm_has_rows: bool, *, option_mapping: bool = False) -> Recommendation:
    """BC ref §5.3: both empty → nothing to do; both with data → couple them;
    otherwise copy everything across. Option mappings are coupled by label
    whenever the ERP has codes (the CRM always has some options)."""
    if option_mapping:
        return Recommendation.COUPLE_RECORDS if erp_has_rows else Recommendation.NO_RECORDS_FOUND
    if not erp_has_rows and not crm_has_rows:
        return Recommendation.NO_RECORDS_FOUND
    if erp_has_rows and crm_has_rows:
        return Recommendation.COUPLE_RECORDS
    return Recommendation.FULL_SYNCHRONIZATION

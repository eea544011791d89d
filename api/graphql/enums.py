"""Domain enums exposed in the schema (same names and values as API.md)."""

from __future__ import annotations

import strawberry

from domain.couplings.model import SyncResult as _SyncResult
from domain.jobs.model import ErrorClass as _ErrorClass
from domain.jobs.model import JobKind as _JobKind
from domain.jobs.model import JobStatus as _JobStatus
from domain.jobs.model import Outcome as _SyncOutcome
from domain.jobs.model import RecordOutcome as _RecordOutcome
from domain.mappings.model import DeletionConflictResolution as _Deletion
from domain.mappings.model import SyncDirection as _SyncDirection
from domain.mappings.model import TransformKind as _TransformKind
from domain.mappings.model import UpdateConflictResolution as _Update

SyncDirection = strawberry.enum(_SyncDirection, name="SyncDirection")
JobStatus = strawberry.enum(_JobStatus, name="JobStatus")
JobKind = strawberry.enum(_JobKind, name="JobKind")
UpdateConflictResolution = strawberry.enum(_Update, name="UpdateConflictResolution")
DeletionConflictResolution = strawberry.enum(_Deletion, name="DeletionConflictResolution")
SyncOutcome = strawberry.enum(_SyncOutcome, name="SyncOutcome")
SyncResult = strawberry.enum(_SyncResult, name="SyncResult")
ErrorClass = strawberry.enum(_ErrorClass, name="ErrorClass")
TransformKind = strawberry.enum(_TransformKind, name="TransformKind")
RecordOutcome = strawberry.enum(_RecordOutcome, name="RecordOutcome")

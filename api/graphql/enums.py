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

# strawberry.enum registers the class and returns it: binding the class itself keeps
# each name a type mypy can follow (a variable bound to the call is not one).
strawberry.enum(_SyncDirection, name="SyncDirection")
SyncDirection = _SyncDirection
strawberry.enum(_JobStatus, name="JobStatus")
JobStatus = _JobStatus
strawberry.enum(_JobKind, name="JobKind")
JobKind = _JobKind
strawberry.enum(_Update, name="UpdateConflictResolution")
UpdateConflictResolution = _Update
strawberry.enum(_Deletion, name="DeletionConflictResolution")
DeletionConflictResolution = _Deletion
strawberry.enum(_SyncOutcome, name="SyncOutcome")
SyncOutcome = _SyncOutcome
strawberry.enum(_SyncResult, name="SyncResult")
SyncResult = _SyncResult
strawberry.enum(_ErrorClass, name="ErrorClass")
ErrorClass = _ErrorClass
strawberry.enum(_TransformKind, name="TransformKind")
TransformKind = _TransformKind
strawberry.enum(_RecordOutcome, name="RecordOutcome")
RecordOutcome = _RecordOutcome

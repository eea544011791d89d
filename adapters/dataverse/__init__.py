"""The Dataverse Web API client (`DataverseClient`, implementing the domain's
`CrmClient` port) and, in `adapters.dataverse.simulator`, a local simulator of
the same protocol.

The errors are the domain's (`domain.crm.CrmError` and its tree), re-exported
here so callers of the adapter need one import."""

from adapters.dataverse._client import DataverseClient
from adapters.dataverse._config import DataverseConfig
from adapters.dataverse._http import RequestStats
from adapters.dataverse._schema import STANDARD_ENTITIES, EntitySpec, LookupSpec
from domain.crm import (
    CrmAuthError,
    CrmConcurrencyError,
    CrmConflictError,
    CrmDuplicateError,
    CrmError,
    CrmErrorClass,
    CrmNotFoundError,
    CrmPermanentError,
    CrmPermissionError,
    CrmThrottledError,
    CrmTimeoutError,
    CrmTransientError,
    CrmValidationError,
)

__all__ = [
    "STANDARD_ENTITIES",
    "CrmAuthError",
    "CrmConcurrencyError",
    "CrmConflictError",
    "CrmDuplicateError",
    "CrmError",
    "CrmErrorClass",
    "CrmNotFoundError",
    "CrmPermanentError",
    "CrmPermissionError",
    "CrmThrottledError",
    "CrmTimeoutError",
    "CrmTransientError",
    "CrmValidationError",
    "DataverseClient",
    "DataverseConfig",
    "EntitySpec",
    "LookupSpec",
    "RequestStats",
]

"""A failed CRM call, told so an administrator knows what to fix: a sentence
naming the likely cause, never a stack trace, never a secret."""

from __future__ import annotations

from domain.connection.model import CrmCredentials
from domain.crm import (
    CrmAuthError,
    CrmError,
    CrmNotFoundError,
    CrmPermissionError,
    CrmTransientError,
)

ENTRA = "Microsoft Entra ID"


def explain(error: CrmError, credentials: CrmCredentials, *, role: str = "the integration app") -> str:
    """Why a call signed in with `credentials` (as `role`) failed."""
    detail = error.message.rstrip(".")
    if isinstance(error, CrmAuthError):
        return (
            f"Sign-in refused for {role} (client id {credentials.client_id!r}, tenant "
            f"{credentials.tenant_id!r}): {detail}. Check the tenant, client id and client secret."
        )
    if isinstance(error, CrmTransientError) and error.status is None:
        if detail.startswith("token endpoint"):
            where = credentials.authority_url or ENTRA
            return f"Cannot reach the sign-in endpoint at {where}: {detail}. Check the authority URL."
        return (
            f"Cannot reach the CRM at {credentials.server_url}: {detail}. "
            "Check the CRM URL and that the environment is up."
        )
    if isinstance(error, CrmTransientError):
        return f"The CRM is unavailable right now ({error}); try again in a moment."
    if isinstance(error, CrmNotFoundError):
        return (
            f"{credentials.server_url} did not answer like a Dataverse environment ({error}). "
            "Check the CRM URL."
        )
    if isinstance(error, CrmPermissionError):
        return f"The CRM refused {role} for lack of a privilege: {detail}."
    return f"The CRM refused the request: {error}."

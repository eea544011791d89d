"""What a pair says when one side was deleted and the deletion policy is NONE: one
text per side for every pass (and the webhook), so the repeated-failure rule
(the same error twice skips the coupling) sees it repeat."""

from __future__ import annotations


def erp_deleted_message(label: str, key: str) -> str:
    return (
        f"{label} {key} was deleted in the ERP; its CRM row stays coupled to the deleted "
        "record (deletion policy NONE): remove the coupling, or restore the record"
    )


def crm_deleted_message(label: str, key: str) -> str:
    return (
        f"the CRM row coupled to {label} {key} was deleted; the record stays coupled to the "
        "deleted row (deletion policy NONE): remove the coupling, or restore the row"
    )

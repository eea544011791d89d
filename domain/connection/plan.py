"""What `enableConnection` will switch on, decided from the input, the connection
and the current mappings before anything is written (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.connection.model import CrmConnection, EnableOptions
from domain.errors import ErrorCode, FieldError, ValidationFailed
from domain.mappings.defaults import DEFAULT_MAPPINGS, DEFAULTS_BY_NAME
from domain.mappings.model import TableMapping

SALES_ORDER_MAPPINGS = ("SALESORDER-ORDER", "SOLINE-ORDERDETAIL")


@dataclass(frozen=True, slots=True)
class EnablePlan:
    mappings: tuple[str, ...]
    item_availability: bool
    sales_order_integration: bool
    sales_order_user: str | None
    """A CRM user to look up; None keeps the current one, or the integration user."""


def plan_enable(
    connection: CrmConnection, options: EnableOptions, existing: Mapping[str, TableMapping]
) -> EnablePlan:
    """The plan, or ValidationFailed listing every problem with the input.

    Mappings: the named ones; when None, those enabled now (the defaults' choice
    when no mapping exists yet). The sales order mappings follow
    `sales_order_integration`. Every chosen mapping's dependencies must be chosen."""
    orders = _keep(options.sales_order_integration, connection.sales_order_integration_enabled)
    availability = _keep(options.item_availability, connection.item_availability_enabled)
    errors: list[FieldError] = []
    if options.mappings is not None:
        chosen = set(options.mappings)
        errors += [
            FieldError("mappings", f"there is no default mapping {name!r}", ErrorCode.NOT_FOUND)
            for name in options.mappings
            if name not in DEFAULTS_BY_NAME
        ]
        if not orders and chosen & set(SALES_ORDER_MAPPINGS):
            errors.append(
                FieldError(
                    "mappings",
                    "the sales order mappings come with salesOrderIntegration: true",
                    ErrorCode.INVALID_VALUE,
                )
            )
    elif existing:
        chosen = {name for name, mapping in existing.items() if mapping.enabled}
    else:
        chosen = {mapping.name for mapping in DEFAULT_MAPPINGS if mapping.enabled}
    chosen = (chosen - set(SALES_ORDER_MAPPINGS)) | (set(SALES_ORDER_MAPPINGS) if orders else set())
    chosen &= set(DEFAULTS_BY_NAME)
    errors += _dependency_errors(chosen, existing)
    if options.sales_order_user is not None and not orders:
        errors.append(
            FieldError(
                "sales_order_user",
                "a sales order user needs salesOrderIntegration: true",
                ErrorCode.INVALID_VALUE,
            )
        )
    if availability and not connection.solution_installed:
        errors.append(
            FieldError(
                "item_availability",
                "item availability needs Couplet's solution in the CRM: run importCrmSolution first",
                ErrorCode.INVALID_STATE,
            )
        )
    if errors:
        raise ValidationFailed(errors)
    order = [mapping.name for mapping in DEFAULT_MAPPINGS if mapping.name in chosen]
    user = options.sales_order_user.strip() if options.sales_order_user else None
    return EnablePlan(tuple(order), availability, orders, user or None)


def _keep(given: bool | None, current: bool) -> bool:
    return current if given is None else given


def _dependency_errors(chosen: set[str], existing: Mapping[str, TableMapping]) -> list[FieldError]:
    errors = []
    for mapping in DEFAULT_MAPPINGS:
        if mapping.name not in chosen:
            continue
        depends_on = existing[mapping.name].depends_on if mapping.name in existing else mapping.depends_on
        missing = [name for name in depends_on if name not in chosen]
        if missing:
            errors.append(
                FieldError(
                    "mappings",
                    f"{mapping.name} depends on {', '.join(missing)}, which "
                    f"{'is' if len(missing) == 1 else 'are'} not chosen",
                    ErrorCode.INVALID_VALUE,
                )
            )
    return errors

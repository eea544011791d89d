"""What enableConnection switches on, decided before anything is written."""

from __future__ import annotations

import pytest

from domain.connection.model import ConnectionStatus, CrmConnection, EnableOptions
from domain.connection.plan import plan_enable
from domain.errors import ValidationFailed
from domain.mappings.defaults import DEFAULT_MAPPINGS, DEFAULTS_BY_NAME

CONNECTED = CrmConnection(
    server_url="https://contoso.crm4.dynamics.com",
    tenant_id="contoso.onmicrosoft.com",
    client_id="couplet",
    status=ConnectionStatus.CONNECTED,
)
ENABLED_BY_DEFAULT = tuple(m.name for m in DEFAULT_MAPPINGS if m.enabled)


def refused(options: EnableOptions, connection: CrmConnection = CONNECTED) -> list[tuple[str | None, str]]:
    with pytest.raises(ValidationFailed) as failed:
        plan_enable(connection, options, {})
    return [(e.field, e.message) for e in failed.value.errors]


def test_the_first_enable_takes_the_mappings_enabled_by_default() -> None:
    plan = plan_enable(CONNECTED, EnableOptions(), {})
    assert plan.mappings == ENABLED_BY_DEFAULT
    assert (plan.item_availability, plan.sales_order_integration) == (False, False)


def test_the_mappings_enabled_by_default_need_nothing_else() -> None:
    assert (
        plan_enable(CONNECTED, EnableOptions(mappings=ENABLED_BY_DEFAULT), {}).mappings == ENABLED_BY_DEFAULT
    )


def test_without_mappings_a_later_enable_keeps_those_enabled_now() -> None:
    existing = {
        name: DEFAULTS_BY_NAME[name].with_changes(enabled=name in ("SALESPEOPLE", "CURRENCY"))
        for name in DEFAULTS_BY_NAME
    }
    assert plan_enable(CONNECTED, EnableOptions(), existing).mappings == ("SALESPEOPLE", "CURRENCY")


def test_chosen_mappings_come_in_dependency_friendly_default_order() -> None:
    plan = plan_enable(CONNECTED, EnableOptions(mappings=("CURRENCY", "SALESPEOPLE")), {})
    assert plan.mappings == ("SALESPEOPLE", "CURRENCY")


def test_sales_order_integration_brings_the_order_mappings() -> None:
    plan = plan_enable(CONNECTED, EnableOptions(sales_order_integration=True), {})
    assert plan.mappings[-2:] == ("SALESORDER-ORDER", "SOLINE-ORDERDETAIL")


def test_options_left_out_keep_the_connections_current_choice() -> None:
    current = CONNECTED.with_changes(sales_order_integration_enabled=True, solution_installed=True)
    current = current.with_changes(item_availability_enabled=True)
    plan = plan_enable(current, EnableOptions(), {})
    assert (plan.item_availability, plan.sales_order_integration) == (True, True)


def test_a_mapping_whose_dependencies_are_not_chosen_is_refused() -> None:
    assert refused(EnableOptions(mappings=("CUSTOMER", "SALESPEOPLE"))) == [
        (
            "mappings",
            "CUSTOMER depends on CURRENCY, PAYMENT TERMS, SHIPMENT METHOD, SHIPPING AGENT, "
            "which are not chosen",
        )
    ]


def test_an_order_user_without_sales_order_integration_is_refused() -> None:
    assert refused(EnableOptions(sales_order_user="annette@contoso.example")) == [
        ("sales_order_user", "a sales order user needs salesOrderIntegration: true")
    ]


def test_item_availability_without_the_solution_is_refused() -> None:
    assert refused(EnableOptions(item_availability=True)) == [
        (
            "item_availability",
            "item availability needs Couplet's solution in the CRM: run importCrmSolution first",
        )
    ]

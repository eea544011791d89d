"""The committed schema.graphql is the public contract: it must match the code."""

from __future__ import annotations

from pathlib import Path

from api.cli.schema import schema_text

SCHEMA_FILE = Path(__file__).parents[2] / "schema.graphql"


def test_schema_graphql_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_text(), (
        "schema.graphql is out of date; regenerate it with `make schema` "
        "(or `couplet schema export --output schema.graphql`) and review the diff"
    )


def test_the_contracts_operations_exist() -> None:
    text = SCHEMA_FILE.read_text()
    for operation in (
        "customers(",
        "customer(no: String!)",
        "items(",
        "item(no: String!)",
        "upsertCustomer(",
        "deleteCustomer(input: DeleteByKeyInput!)",
        "postItemJournal(input: ItemJournalInput!)",
        "createApiKey(input: CreateApiKeyInput!)",
        "upsertSalesOrder(",
        "salespeople(",
        "currencies(",
        "unitsOfMeasure(",
        "contacts(",
        "resources(",
        "customerPriceGroups(",
        "salesPrices(",
        "locations(",
        "salesOrders(",
        "connection: CrmConnection",
        "configureConnection(input: ConfigureConnectionInput!): ConnectionPayload!",
        "testConnection: ConnectionPayload!",
        "importCrmSolution(input: AdminCredentialsInput!): ConnectionPayload!",
        "enableConnection(input: EnableConnectionInput!): ConnectionPayload!",
        "disableConnection: ConnectionPayload!",
    ):
        assert operation in text, operation

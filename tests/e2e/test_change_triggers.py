"""Changes sync within seconds: ERP writes through the API, and CRM webhooks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.dataverse.simulator import DataverseSimulator
from api.app import create_app
from api.bootstrap import Services, bootstrap
from domain.auth import Role
from tests.e2e.sync_support import coupling_of, create_in_crm
from tests.support.erp import customer, local_currency_coupled, seed_mappings
from tests.support.graphql import GraphQLClient
from tests.support.servers import serve_asgi
from tests.support.waiting import eventually

HEADER = "x-couplet-webhook-key"


@pytest.fixture
async def live(
    container: Services, keys: dict[Role, str], gql: GraphQLClient, crm: DataverseSimulator
) -> AsyncIterator[tuple[GraphQLClient, Services, str]]:
    """The API with change triggers on (and a short debounce), on the same database."""
    settings = container.settings.model_copy(
        update={"change_triggers": True, "change_debounce_seconds": 0.05}
    )
    live_container = bootstrap(settings, db=container.db)
    await seed_mappings(gql.with_key(keys[Role.ADMIN]))
    await local_currency_coupled(gql, crm)
    async with (
        serve_asgi(create_app(services=live_container)) as url,
        httpx.AsyncClient(base_url=url) as http,
    ):
        yield GraphQLClient(http, keys[Role.INTEGRATION]), live_container, url
        await live_container.triggers.close()
        await live_container.queue.drain()  # type: ignore[attr-defined]
        await live_container.crm.close()


async def account_of(gql: GraphQLClient, container: Services, no: str, name: str) -> uuid.UUID:
    await customer(gql, no, name)
    await create_in_crm(gql, container, "CUSTOMER", [no])
    return uuid.UUID((await coupling_of(gql, "customer", no))["crmId"])


async def test_an_erp_write_reaches_the_crm_within_seconds(
    live: tuple[GraphQLClient, Services, str],
    gql: GraphQLClient,
    container: Services,
    crm: DataverseSimulator,
) -> None:
    client, _, _ = live
    adatum = await account_of(gql, container, "C1", "Adatum Corporation")
    await customer(client, "C1", "Adatum Corporation", city="Vejle")
    await eventually(lambda: _value(crm, "account", adatum, "address1_city", "Vejle"))


async def _value(crm: DataverseSimulator, entity: str, row_id: uuid.UUID, name: str, wanted: object) -> bool:
    row = crm.row(entity, row_id)
    return row is not None and row.get(name) == wanted


async def webhook_key(gql: GraphQLClient, keys: dict[Role, str]) -> str:
    payload = await gql.with_key(keys[Role.ADMIN]).mutate(
        "mutation { p: rotateWebhookKey { key userErrors { code } } }"
    )
    return str(payload["key"])


async def test_a_crm_edit_reaches_the_erp_through_the_webhook(
    live: tuple[GraphQLClient, Services, str],
    gql: GraphQLClient,
    container: Services,
    crm: DataverseSimulator,
    keys: dict[Role, str],
) -> None:
    _, _, url = live
    adatum = await account_of(gql, container, "C1", "Adatum Corporation")
    crm.register_webhook(
        f"{url}/webhooks/dataverse",
        entities=["account"],
        header_name=HEADER,
        header_value=await webhook_key(gql, keys),
    )
    crm.update_row("account", adatum, {"telephone1": "+45 7000 0000"})

    async def phone() -> bool:
        data = await gql.data('{ customer(no: "C1") { phone } }')
        return bool(data["customer"]["phone"] == "+45 7000 0000")

    await eventually(phone)


async def test_a_webhook_without_the_key_is_refused(
    live: tuple[GraphQLClient, Services, str], gql: GraphQLClient, keys: dict[Role, str]
) -> None:
    _, _, url = live
    await webhook_key(gql, keys)
    body = {"MessageName": "Update", "PrimaryEntityName": "account", "PrimaryEntityId": str(uuid.uuid4())}
    async with httpx.AsyncClient() as http:
        missing = await http.post(f"{url}/webhooks/dataverse", json=body)
        wrong = await http.post(f"{url}/webhooks/dataverse", json=body, headers={HEADER: "guess"})
    assert (missing.status_code, wrong.status_code) == (401, 401)


async def deletion_policy(gql: GraphQLClient, keys: dict[Role, str], mapping: str, policy: str) -> None:
    payload = await gql.with_key(keys[Role.ADMIN]).mutate(
        "mutation($i: UpdateTableMappingInput!) { p: updateTableMapping(input: $i) "
        "{ userErrors { field message code } } }",
        {"i": {"name": mapping, "deletionConflictResolution": policy}},
    )
    assert payload["userErrors"] == []


async def delete_webhook(url: str, key: str, entity: str, row: uuid.UUID) -> dict[str, object]:
    body = {"MessageName": "Delete", "PrimaryEntityName": entity, "PrimaryEntityId": str(row)}
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{url}/webhooks/dataverse", json=body, headers={HEADER: key})
    return dict(response.json())


async def test_a_deleted_crm_row_loses_its_coupling_under_remove_coupling_and_the_erp_record_stays(
    live: tuple[GraphQLClient, Services, str],
    gql: GraphQLClient,
    container: Services,
    crm: DataverseSimulator,
    keys: dict[Role, str],
) -> None:
    _, _, url = live
    await deletion_policy(gql, keys, "CUSTOMER", "REMOVE_COUPLING")
    adatum = await account_of(gql, container, "C1", "Adatum Corporation")
    key = await webhook_key(gql, keys)
    assert await delete_webhook(url, key, "account", adatum) == {"status": "accepted", "uncoupled": 1}
    data = await gql.data('{ customer(no: "C1") { name coupling { id } } }')
    assert data["customer"] == {"name": "Adatum Corporation", "coupling": None}


async def test_a_deleted_crm_row_stays_coupled_and_failed_under_deletion_policy_none(
    live: tuple[GraphQLClient, Services, str],
    gql: GraphQLClient,
    container: Services,
    crm: DataverseSimulator,
    keys: dict[Role, str],
) -> None:
    _, _, url = live
    adatum = await account_of(gql, container, "C1", "Adatum Corporation")
    key = await webhook_key(gql, keys)
    assert (await delete_webhook(url, key, "account", adatum))["status"] == "accepted"
    data = await gql.data('{ customer(no: "C1") { name coupling { crmId lastResultToCrm lastError } } }')
    coupling = data["customer"]["coupling"]
    assert (coupling["crmId"], coupling["lastResultToCrm"]) == (str(adatum), "FAILURE")
    assert "was deleted" in coupling["lastError"]
    assert "NONE" in coupling["lastError"]


async def test_a_deleted_crm_row_is_created_again_under_restore_record(
    live: tuple[GraphQLClient, Services, str],
    gql: GraphQLClient,
    container: Services,
    crm: DataverseSimulator,
    keys: dict[Role, str],
) -> None:
    _, served, url = live
    await deletion_policy(gql, keys, "CUSTOMER", "RESTORE_RECORD")
    adatum = await account_of(gql, container, "C1", "Adatum Corporation")
    key = await webhook_key(gql, keys)
    crm.delete_row("account", adatum)
    assert (await delete_webhook(url, key, "account", adatum))["status"] == "accepted"
    await served.queue.drain()  # type: ignore[attr-defined]
    restored = crm.row("account", adatum)
    assert restored is not None
    assert restored["name"] == "Adatum Corporation"
    data = await gql.data('{ customer(no: "C1") { coupling { crmId lastResultToCrm } } }')
    assert data["customer"]["coupling"] == {"crmId": str(adatum), "lastResultToCrm": "SUCCESS"}


async def test_the_integrations_own_changes_are_ignored(
    live: tuple[GraphQLClient, Services, str],
    gql: GraphQLClient,
    container: Services,
    crm: DataverseSimulator,
    keys: dict[Role, str],
) -> None:
    _, _, url = live
    key = await webhook_key(gql, keys)
    connection_user = next(u["systemuserid"] for u in crm.rows("systemuser") if u.get("isintegrationuser"))
    body = {
        "MessageName": "Update",
        "PrimaryEntityName": "account",
        "PrimaryEntityId": str(uuid.uuid4()),
        "InitiatingUserId": str(connection_user),
    }
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{url}/webhooks/dataverse", json=body, headers={HEADER: key})
    assert response.json()["status"] == "ignored"

"""Webhooks: a RemoteExecutionContext POST per committed create/update/delete, with the
documented headers and the registration's key; one retry on 502/503/504; a failing
endpoint never fails the write."""

from __future__ import annotations

import json

import httpx

from adapters.dataverse import DataverseClient
from adapters.dataverse.simulator import DataverseSimulator
from tests.integration.dataverse.conftest import WebhookReceiver, eventually


async def test_create_update_and_delete_are_posted_in_order(
    crm: DataverseClient, simulator: DataverseSimulator, webhook_receiver: tuple[str, WebhookReceiver]
) -> None:
    url, receiver = webhook_receiver
    simulator.register_webhook(
        f"{url}/webhooks/dataverse",
        entities=["account"],
        header_name="x-couplet-key",
        header_value="hook-key",
    )
    account = await crm.create("account", {"name": "Adatum Corporation"})
    await crm.update("account", account, {"name": "Adatum Corp."})
    await crm.delete("account", account)
    await eventually(lambda: len(receiver.received) == 3)
    contexts = [json.loads(body) for _, body in receiver.received]
    assert sorted(c["MessageName"] for c in contexts) == ["Create", "Delete", "Update"]
    me = (await crm.who_am_i()).user_id
    for context in contexts:
        assert (context["PrimaryEntityName"], context["PrimaryEntityId"]) == ("account", str(account))
        assert context["InitiatingUserId"] == str(me)
        assert context["OperationCreatedOn"].startswith("/Date(")
    create = next(c for c in contexts if c["MessageName"] == "Create")
    image = create["PostEntityImages"][0]["value"]["Attributes"]
    assert {"key": "name", "value": "Adatum Corporation"} in image
    headers = receiver.received[0][0]
    assert headers["x-couplet-key"] == "hook-key"
    assert headers["x-ms-dynamics-entity-name"] == "account"
    assert headers["x-ms-dynamics-request-name"] in ("Create", "Update", "Delete")


async def test_only_the_registered_entities_and_messages_are_posted(
    crm: DataverseClient, simulator: DataverseSimulator, webhook_receiver: tuple[str, WebhookReceiver]
) -> None:
    url, receiver = webhook_receiver
    simulator.register_webhook(url, entities=["contact"], messages=["Update"])
    await crm.create("account", {"name": "Adatum Corporation"})
    contact = await crm.create("contact", {"lastname": "Beebe"})
    await crm.update("contact", contact, {"firstname": "Ann"})
    await eventually(lambda: len(receiver.received) == 1)
    await simulator.drain_webhooks()
    assert [json.loads(body)["MessageName"] for _, body in receiver.received] == ["Update"]


async def test_a_503_is_tried_once_more(
    crm: DataverseClient, simulator: DataverseSimulator, webhook_receiver: tuple[str, WebhookReceiver]
) -> None:
    url, receiver = webhook_receiver
    receiver.statuses.extend([503, 503])
    simulator.register_webhook(url)
    await crm.create("account", {"name": "Adatum Corporation"})
    await eventually(
        lambda: len(simulator.webhook_deliveries) == 1 and simulator.webhook_deliveries[0].status is not None
    )
    await simulator.drain_webhooks()
    delivery = simulator.webhook_deliveries[0]
    assert (delivery.attempts, delivery.status, delivery.ok) == (2, 503, False)
    assert len(receiver.received) == 2


async def test_an_unreachable_endpoint_does_not_fail_the_write(
    crm: DataverseClient, simulator: DataverseSimulator
) -> None:
    simulator.register_webhook("http://127.0.0.1:9/unreachable")
    account = await crm.create("account", {"name": "Adatum Corporation"})
    await simulator.drain_webhooks()
    assert simulator.row("account", account) is not None
    assert simulator.webhook_deliveries[0].error is not None


async def test_a_rolled_back_batch_posts_nothing(
    api: httpx.AsyncClient, simulator: DataverseSimulator, webhook_receiver: tuple[str, WebhookReceiver]
) -> None:
    url, receiver = webhook_receiver
    simulator.register_webhook(url)
    targets = [{"name": "Adatum"}, {"name": "x" * 161}]
    assert (
        await api.post("accounts/Microsoft.Dynamics.CRM.CreateMultiple", json={"Targets": targets})
    ).status_code == 400
    await simulator.drain_webhooks()
    assert simulator.webhook_deliveries == []


async def test_a_change_made_in_process_is_posted_too(
    simulator: DataverseSimulator, crm_url: str, webhook_receiver: tuple[str, WebhookReceiver]
) -> None:
    url, receiver = webhook_receiver
    simulator.register_webhook(url)
    account = simulator.add_row("account", {"name": "Adatum Corporation"})
    simulator.update_row("account", account, {"telephone1": "70 10 20 30"})
    await eventually(lambda: len(receiver.received) == 2)
    assert {json.loads(body)["MessageName"] for _, body in receiver.received} == {"Create", "Update"}

"""Helpers for sync tests: start jobs through the API and wait for them."""

from __future__ import annotations

import uuid
from typing import Any

from adapters.dataverse.simulator import DataverseSimulator
from api.bootstrap import Services
from tests.support.graphql import GraphQLClient

JOB_FIELDS = (
    "id mapping direction status inserted modified unchanged skipped failed coupled uncoupled "
    "message errors { nodes { errorClass message erpRef crmRef } }"
)


async def finished(gql: GraphQLClient, container: Services, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The jobs a mutation started, once every queued job has ended."""
    await container.queue.drain()  # type: ignore[attr-defined]
    jobs = payload.get("syncJobs") or ([payload["syncJob"]] if payload.get("syncJob") else [])
    result = []
    for job in jobs:
        data = await gql.data(f"query($id: ID!) {{ syncJob(id: $id) {{ {JOB_FIELDS} }} }}", {"id": job["id"]})
        result.append(data["syncJob"])
    return result


async def run(
    gql: GraphQLClient,
    container: Services,
    mapping: str,
    direction: str | None = None,
    only_modified: bool = True,
) -> list[dict[str, Any]]:
    payload = await gql.mutate(
        "mutation($i: RunMappingSyncInput!) { p: runMappingSync(input: $i) { syncJobs { id } syncJob { id } "
        "userErrors { field message code } } }",
        {"i": {"mapping": mapping, "direction": direction, "onlyModified": only_modified}},
    )
    return await finished(gql, container, payload)


async def create_in_crm(
    gql: GraphQLClient, container: Services, mapping: str, keys: list[str]
) -> dict[str, Any]:
    payload = await gql.mutate(
        "mutation($i: CreateCounterpartInput!) { p: createInCrm(input: $i) { syncJob { id } syncJobs { id } "
        "userErrors { field message code } } }",
        {"i": {"mapping": mapping, "erpKeys": keys}},
    )
    return (await finished(gql, container, payload))[0]


async def coupling_of(gql: GraphQLClient, query_field: str, key: str, key_arg: str = "no") -> dict[str, Any]:
    data = await gql.data(
        f'{{ r: {query_field}({key_arg}: "{key}") {{ coupling {{ id crmId skipped '
        "lastResultToCrm lastResultFromCrm lastError conflict } } }"
    )
    return dict(data["r"]["coupling"] or {})


def as_user(crm: DataverseSimulator, entity: str, row_id: uuid.UUID, **attributes: object) -> None:
    """A CRM user (not the integration user) edits a row."""
    crm.update_row(entity, row_id, attributes)

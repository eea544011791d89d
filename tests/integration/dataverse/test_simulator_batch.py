"""Simulator fidelity: $batch with change sets, and the bulk messages (reference §2.4, §2.11)."""

from __future__ import annotations

import re
import uuid

import httpx

from adapters.dataverse._multipart import boundary_of, parse_http, parse_multipart

API = "/api/data/v9.2/"


def part(request_line: str, body: str = "", content_id: int | None = None) -> str:
    headers = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
    if content_id is not None:
        headers += f"Content-ID: {content_id}\r\n"
    inner = f"{request_line}\r\nContent-Type: application/json; type=entry\r\n\r\n{body}"
    return f"{headers}\r\n{inner}\r\n"


def changeset(*parts: str) -> tuple[str, str]:
    boundary = f"changeset_{uuid.uuid4().hex}"
    body = "".join(f"--{boundary}\r\n{p}" for p in parts) + f"--{boundary}--\r\n"
    return f"Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n{body}", boundary


def batch(*parts: str) -> tuple[bytes, dict[str, str]]:
    boundary = f"batch_{uuid.uuid4().hex}"
    body = "".join(f"--{boundary}\r\n{p}" for p in parts) + f"--{boundary}--\r\n"
    return body.encode(), {"Content-Type": f"multipart/mixed; boundary={boundary}"}


def statuses(response: httpx.Response) -> list[int]:
    found: list[int] = []

    def walk(body: bytes, boundary: str) -> None:
        for item in parse_multipart(body, boundary):
            nested = boundary_of(item.headers.get("content-type"))
            if nested:
                walk(item.body, nested)
            else:
                found.append(int(parse_http(item.body).start_line.split()[1]))

    boundary = boundary_of(response.headers["Content-Type"])
    assert boundary is not None
    walk(response.content, boundary)
    return found


async def account_names(api: httpx.AsyncClient) -> list[str]:
    return [row["name"] for row in (await api.get("accounts?$select=name&$orderby=name")).json()["value"]]


async def test_a_change_set_commits_all_its_requests(api: httpx.AsyncClient) -> None:
    cs, _ = changeset(
        part(f"POST {API}accounts HTTP/1.1", '{"name": "Adatum Corporation"}', 1),
        part(
            f"POST {API}contacts HTTP/1.1",
            '{"lastname": "Beebe", "parentcustomerid_account@odata.bind": "$1"}',
            2,
        ),
    )
    body, headers = batch(cs)
    response = await api.post("$batch", content=body, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("multipart/mixed; boundary=batchresponse_")
    assert statuses(response) == [204, 204]
    contact = (await api.get("contacts?$select=_parentcustomerid_value")).json()["value"][0]
    adatum = (await api.get("accounts?$select=accountid")).json()["value"][0]["accountid"]
    assert contact["_parentcustomerid_value"] == adatum


async def test_a_failing_change_set_rolls_back_every_request_in_it(api: httpx.AsyncClient) -> None:
    cs, _ = changeset(
        part(f"POST {API}accounts HTTP/1.1", '{"name": "Adatum Corporation"}', 1),
        part(f"PATCH {API}accounts({uuid.uuid4()}) HTTP/1.1\r\nIf-Match: *", '{"name": "Ghost"}', 2),
    )
    body, headers = batch(cs)
    response = await api.post("$batch", content=body, headers=headers)
    assert response.status_code == 400
    assert statuses(response) == [404]
    assert await account_names(api) == []


async def test_without_continue_on_error_the_batch_stops_at_the_first_failure(api: httpx.AsyncClient) -> None:
    body, headers = batch(
        part(f"POST {API}accounts HTTP/1.1", '{"name": "Adatum Corporation"}'),
        part(f"POST {API}accounts HTTP/1.1", '{"name": "Fabrikam", "colour": "blue"}'),
        part(f"POST {API}accounts HTTP/1.1", '{"name": "Contoso Ltd."}'),
    )
    response = await api.post("$batch", content=body, headers=headers)
    assert response.status_code == 400
    assert statuses(response) == [204, 400]
    assert await account_names(api) == ["Adatum Corporation"]


async def test_continue_on_error_runs_every_request(api: httpx.AsyncClient) -> None:
    body, headers = batch(
        part(f"POST {API}accounts HTTP/1.1", '{"name": "Adatum Corporation"}'),
        part(f"POST {API}accounts HTTP/1.1", '{"name": "Fabrikam", "colour": "blue"}'),
        part(f"GET {API}accounts?$select=name HTTP/1.1"),
    )
    headers["Prefer"] = "odata.continue-on-error"
    response = await api.post("$batch", content=body, headers=headers)
    assert response.status_code == 200
    assert statuses(response) == [204, 400, 200]


async def test_get_is_not_allowed_in_a_change_set(api: httpx.AsyncClient) -> None:
    cs, _ = changeset(part(f"GET {API}accounts HTTP/1.1", content_id=1))
    body, headers = batch(cs)
    response = await api.post("$batch", content=body, headers=headers)
    assert statuses(response) == [400]


async def test_an_undeclared_content_id_reference_is_400(api: httpx.AsyncClient) -> None:
    cs, _ = changeset(
        part(
            f"POST {API}contacts HTTP/1.1",
            '{"lastname": "Beebe", "parentcustomerid_account@odata.bind": "$7"}',
            1,
        )
    )
    body, headers = batch(cs)
    response = await api.post("$batch", content=body, headers=headers)
    assert statuses(response) == [400]
    assert b"Content-ID Reference: '$7' does not exist in the batch context." in response.content


async def test_more_than_1000_requests_in_a_batch_is_400(api: httpx.AsyncClient) -> None:
    body, headers = batch(*[part(f"GET {API}WhoAmI HTTP/1.1")] * 1001)
    response = await api.post("$batch", content=body, headers=headers)
    assert response.status_code == 400


async def test_create_multiple_answers_the_new_ids(api: httpx.AsyncClient) -> None:
    targets = [
        {"name": name, "@odata.type": "Microsoft.Dynamics.CRM.account"} for name in ("Adatum", "Fabrikam")
    ]
    response = await api.post("accounts/Microsoft.Dynamics.CRM.CreateMultiple", json={"Targets": targets})
    assert response.status_code == 200
    ids = response.json()["Ids"]
    assert len(ids) == 2
    assert all(re.fullmatch(r"[0-9a-f-]{36}", i) for i in ids)


async def test_create_multiple_is_all_or_nothing(api: httpx.AsyncClient) -> None:
    targets = [{"name": "Adatum"}, {"name": "x" * 161}]
    response = await api.post("accounts/Microsoft.Dynamics.CRM.CreateMultiple", json={"Targets": targets})
    assert response.status_code == 400
    assert await account_names(api) == []


async def test_update_multiple_answers_204(api: httpx.AsyncClient) -> None:
    created = (
        await api.post("accounts/Microsoft.Dynamics.CRM.CreateMultiple", json={"Targets": [{"name": "A"}]})
    ).json()
    targets = [
        {"accountid": created["Ids"][0], "name": "Adatum", "@odata.type": "Microsoft.Dynamics.CRM.account"}
    ]
    response = await api.post("accounts/Microsoft.Dynamics.CRM.UpdateMultiple", json={"Targets": targets})
    assert response.status_code == 204
    assert await account_names(api) == ["Adatum"]


async def test_a_target_of_another_type_is_400(api: httpx.AsyncClient) -> None:
    targets = [{"lastname": "Beebe", "@odata.type": "Microsoft.Dynamics.CRM.contact"}]
    response = await api.post("accounts/Microsoft.Dynamics.CRM.CreateMultiple", json={"Targets": targets})
    assert response.status_code == 400

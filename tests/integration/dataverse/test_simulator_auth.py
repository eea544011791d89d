"""Simulator fidelity: the client-credentials token endpoint, the bearer check on
every call, and the privileges of setup actions (reference §1, §2.3)."""

from __future__ import annotations

import base64

import httpx
import pytest

from adapters.dataverse import CrmAuthError, DataverseClient
from adapters.dataverse.simulator import DataverseSimulator
from tests.integration.dataverse.conftest import ADMIN_APP, SYNC_APP, config_for, token_for


async def request_token(
    url: str, simulator: DataverseSimulator, tenant: str | None = None, **form: str
) -> httpx.Response:
    fields = {
        "grant_type": "client_credentials",
        "client_id": ADMIN_APP[0],
        "client_secret": ADMIN_APP[1],
        "scope": f"{url}/.default",
    }
    fields.update(form)
    async with httpx.AsyncClient() as http:
        return await http.post(f"{url}/{tenant or simulator.tenant_id}/oauth2/v2.0/token", data=fields)


async def test_a_registered_app_gets_a_bearer_token(crm_url: str, simulator: DataverseSimulator) -> None:
    response = await request_token(crm_url, simulator)
    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3599)
    assert body["access_token"]


async def test_credentials_may_come_as_http_basic(crm_url: str, simulator: DataverseSimulator) -> None:
    basic = base64.b64encode(f"{ADMIN_APP[0]}:{ADMIN_APP[1]}".encode()).decode()
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{crm_url}/{simulator.tenant_id}/oauth2/v2.0/token",
            data={"grant_type": "client_credentials", "scope": f"{crm_url}/.default"},
            headers={"Authorization": f"Basic {basic}"},
        )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("form", "status", "error", "aadsts"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client", "AADSTS7000215"),
        ({"client_id": "stranger"}, 400, "unauthorized_client", "AADSTS700016"),
        (
            {"scope": "https://contoso.crm.dynamics.com/user_impersonation"},
            400,
            "invalid_scope",
            "AADSTS70011",
        ),
        ({"scope": "https://contoso.crm.dynamics.com/.default"}, 400, "invalid_resource", "AADSTS500011"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type", "AADSTS70003"),
    ],
)
async def test_the_token_endpoint_refuses_like_entra(
    crm_url: str, simulator: DataverseSimulator, form: dict[str, str], status: int, error: str, aadsts: str
) -> None:
    response = await request_token(crm_url, simulator, **form)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"].startswith(aadsts)


async def test_an_unknown_tenant_is_refused(crm_url: str, simulator: DataverseSimulator) -> None:
    response = await request_token(crm_url, simulator, tenant="fabrikam.onmicrosoft.com")
    assert response.status_code == 400
    assert "AADSTS90002" in response.json()["error_description"]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic Y291cGxldDpzZWNyZXQ="])
async def test_every_web_api_call_needs_a_valid_bearer_token(crm_url: str, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{crm_url}/api/data/v9.2/accounts", headers=headers)
    assert response.status_code == 401


async def test_an_expired_token_is_401(crm_url: str, simulator: DataverseSimulator) -> None:
    token = await token_for(crm_url, simulator)
    simulator.expire_tokens()
    async with httpx.AsyncClient() as http:
        response = await http.get(
            f"{crm_url}/api/data/v9.2/WhoAmI", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 401
    assert "ExpiredAuthTicket" in response.json()["error"]["message"]


async def test_the_client_recovers_from_an_expired_token(
    crm: DataverseClient, simulator: DataverseSimulator
) -> None:
    await crm.who_am_i()
    simulator.expire_tokens()
    assert (await crm.who_am_i()).user_id
    assert simulator.authority.issued == 2


async def test_the_client_reports_refused_credentials(crm_url: str, simulator: DataverseSimulator) -> None:
    async with DataverseClient(config_for(crm_url, simulator, (SYNC_APP[0], "wrong"))) as client:
        with pytest.raises(CrmAuthError, match="invalid_client"):
            await client.who_am_i()


async def test_who_am_i_answers_the_apps_user_business_unit_and_organization(
    api: httpx.AsyncClient, simulator: DataverseSimulator
) -> None:
    body = (await api.get("WhoAmI")).json()
    assert body["BusinessUnitId"] == str(simulator.business_unit_id)
    assert body["OrganizationId"] == str(simulator.organization_id)
    assert body["@odata.context"].endswith("$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse")


async def test_an_app_without_system_administrator_is_denied_imports(
    crm_url: str, simulator: DataverseSimulator
) -> None:
    token = await token_for(crm_url, simulator, SYNC_APP)
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{crm_url}/api/data/v9.2/ImportSolution",
            json={"CustomizationFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "0x80048405"


async def test_ordinary_crud_needs_no_role(sync_crm: DataverseClient) -> None:
    account = await sync_crm.create("account", {"name": "Adatum Corporation"})
    assert await sync_crm.get("account", account) is not None

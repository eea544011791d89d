"""CRM users in setup: finding one by email, domain name or id; the integration
user's requirements (BC ref §7.3 TestIntegrationUserRequirements); giving it
Couplet's roles."""

from __future__ import annotations

from uuid import UUID

from domain.connection.solution import INTEGRATION_ROLES
from domain.crm import Lookup, WhoAmI, odata_literal
from domain.crm_admin import CrmAdmin, CrmClient, SystemUser

SYSTEM_ADMINISTRATOR = "System Administrator"


class CheckFailed(Exception):
    """A setup check found something an administrator must fix; the message says what."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def user_filter(identity: str) -> str:
    """OData filter finding a user by id, or by primary email or domain (sign-in) name."""
    try:
        return f"systemuserid eq {UUID(identity)}"
    except ValueError:
        literal = odata_literal(identity)
        return f"internalemailaddress eq {literal} or domainname eq {literal}"


def describe(user: SystemUser) -> str:
    name = user.full_name or user.domain_name or user.email or "user"
    return f"{name!r} ({user.id})"


async def find_user(crm: CrmAdmin, identity: str) -> SystemUser | None:
    """The one user `identity` names; CheckFailed when it names several."""
    users = await crm.system_users(filter=user_filter(identity))
    if len(users) > 1:
        raise CheckFailed(f"{identity!r} matches {len(users)} CRM users; give the user's id instead.")
    return users[0] if users else None


async def check_integration_user(
    crm: CrmAdmin, identity: str | None, me: WhoAmI, *, client_id: str, solution_installed: bool
) -> SystemUser:
    """The integration user, if it meets every requirement: it exists, it is the
    application user Couplet signs in as (Couplet writes as that user, and a sync
    skips that user's own changes), it is enabled, it does not hold System
    Administrator, and it holds Couplet's integration roles once the solution is in."""
    user = await find_user(crm, identity or str(me.user_id))
    if user is None:
        raise CheckFailed(
            f"No CRM user matches the integration user {identity!r} "
            "(looked up by email, domain name and user id)."
        )
    if user.id != me.user_id:
        raise CheckFailed(
            f"The integration user {describe(user)} is not the user Couplet signs in as: client id "
            f"{client_id!r} signs in as user {me.user_id}. Name that application user, or leave the "
            "integration user blank."
        )
    if user.is_disabled:
        raise CheckFailed(f"The integration user {describe(user)} is disabled in the CRM.")
    roles = {role.name for role in user.roles}
    if SYSTEM_ADMINISTRATOR in roles:
        raise CheckFailed(
            f"The integration user {describe(user)} holds System Administrator, which it must not: "
            "remove the role and use a separate admin app once, for importCrmSolution."
        )
    missing = [name for name in INTEGRATION_ROLES if name not in roles]
    if solution_installed and missing:
        raise CheckFailed(
            f"The integration user {describe(user)} lacks {', '.join(missing)}: "
            "run importCrmSolution to assign Couplet's roles."
        )
    return user


async def assign_integration_roles(admin: CrmClient, user_id: UUID) -> None:
    """Give the user Couplet's integration roles, as defined in the user's business
    unit (Dataverse keeps a copy of every role per business unit)."""
    user = await admin.get("systemuser", user_id, ["businessunitid"])
    unit = user.get("businessunitid") if user is not None else None
    for name in INTEGRATION_ROLES:
        where = f"name eq {odata_literal(name)}"
        if isinstance(unit, Lookup):
            where += f" and _businessunitid_value eq {unit.id}"
        role_id = None
        async for page in admin.query("role", filter=where, select=["name"], top=1):
            role_id = page[0].id if page else None
        if role_id is None:
            raise CheckFailed(f"The CRM has no role {name!r} after the import.")
        await admin.associate_role(user_id, role_id)

"""Role checks on GraphQL fields (deny by default: a test walks the schema and
fails on any root field without one)."""

from __future__ import annotations

from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from api.errors import Forbidden, Unauthenticated
from domain.auth import Role

BEARER = "bearer "


def bearer_secret(header: str | None) -> str | None:
    """The key from an `Authorization: Bearer <key>` header."""
    if header and header[: len(BEARER)].lower() == BEARER:
        return header[len(BEARER) :].strip() or None
    return None


class RequiresRole(BasePermission):
    role: Role

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = info.context.principal
        if principal is None:
            raise Unauthenticated("an API key is required: send 'Authorization: Bearer <key>'")
        if not principal.role.allows(self.role):
            raise Forbidden(
                f"this operation needs the {self.role.value} role; the key has {principal.role.value}"
            )
        return True


class RequiresAdmin(RequiresRole):
    role = Role.ADMIN


class RequiresIntegration(RequiresRole):
    role = Role.INTEGRATION


class RequiresAvailability(RequiresRole):
    role = Role.AVAILABILITY


_BY_ROLE: dict[Role, type[RequiresRole]] = {
    Role.ADMIN: RequiresAdmin,
    Role.INTEGRATION: RequiresIntegration,
    Role.AVAILABILITY: RequiresAvailability,
}


def requires(role: Role) -> list[FieldExtension]:
    """Field extensions granting access to `role` and the roles above it."""
    return [PermissionExtension(permissions=[_BY_ROLE[role]()], use_directives=False)]

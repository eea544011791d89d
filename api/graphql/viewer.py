"""`viewer`: which key is calling, so a client can check its configuration."""

from __future__ import annotations

import strawberry

from api.auth import requires
from api.context import Info
from api.graphql.keys import Role
from domain.auth import Role as RoleEnum


@strawberry.type
class Viewer:
    key_name: str
    role: Role


@strawberry.type
class ViewerQuery:
    @strawberry.field(
        extensions=requires(RoleEnum.INTEGRATION), description="The API key making this request"
    )
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        assert principal is not None  # the permission has checked
        return Viewer(key_name=principal.name, role=principal.role)

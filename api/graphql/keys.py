"""API keys over GraphQL (ADMIN): the secret is in the payload once, never again."""

from __future__ import annotations

import datetime

import strawberry

from api.auth import requires
from api.context import Info
from api.graphql.common import UserError
from domain.auth import ApiKey as ApiKeyModel
from domain.auth import Role as RoleEnum
from domain.errors import ErrorCode

strawberry.enum(
    RoleEnum, name="Role", description="What an API key may do (ADMIN ⊃ INTEGRATION ⊃ AVAILABILITY)"
)
Role = RoleEnum  # the registered class itself, so mypy sees a type


@strawberry.type
class ApiKey:
    id: strawberry.ID
    name: str
    role: Role
    prefix: str = strawberry.field(description="The first characters of the key, to tell keys apart")
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None

    @classmethod
    def of(cls, key: ApiKeyModel) -> ApiKey:
        return cls(
            id=strawberry.ID(str(key.id)),
            name=key.name,
            role=key.role,
            prefix=key.prefix,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )


@strawberry.input
class CreateApiKeyInput:
    name: str
    role: Role


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None = None
    secret: str | None = strawberry.field(default=None, description="The key itself: shown this once only")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class KeysQuery:
    @strawberry.field(extensions=requires(RoleEnum.ADMIN))
    async def api_keys(self, info: Info) -> list[ApiKey]:
        return [ApiKey.of(k) for k in await info.context.services.api_keys.list()]


@strawberry.type
class KeysMutation:
    @strawberry.mutation(extensions=requires(RoleEnum.ADMIN))
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> ApiKeyPayload:
        name = input.name.strip()
        if not name or len(name) > 100:
            return ApiKeyPayload(
                user_errors=[
                    UserError(
                        field="name", message="name must be 1 to 100 characters", code=ErrorCode.INVALID_VALUE
                    )
                ]
            )
        key, secret = await info.context.services.api_keys.create(name, RoleEnum(input.role))
        return ApiKeyPayload(api_key=ApiKey.of(key), secret=secret)

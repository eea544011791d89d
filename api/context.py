"""The GraphQL context: who is calling, the services, per-request loaders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.fastapi import BaseContext

from api.bootstrap import Services
from domain.auth import Principal

if TYPE_CHECKING:
    from api.graphql.loaders import Loaders


class Context(BaseContext):
    def __init__(self, services: Services, principal: Principal | None) -> None:
        super().__init__()
        self.services = services
        self.principal = principal
        self._loaders: Loaders | None = None

    @property
    def loaders(self) -> Loaders:
        """DataLoaders for this request (or websocket connection)."""
        from api.graphql.loaders import Loaders

        if self._loaders is None:
            self._loaders = Loaders(self.services.reads)
        return self._loaders


Info = strawberry.Info[Context, Any]

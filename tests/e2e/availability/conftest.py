"""A CRM plugin's client: the AVAILABILITY key."""

from __future__ import annotations

import pytest

from domain.auth import Role
from tests.support.graphql import GraphQLClient


@pytest.fixture
def plugin(gql: GraphQLClient, keys: dict[Role, str]) -> GraphQLClient:
    return gql.with_key(keys[Role.AVAILABILITY])

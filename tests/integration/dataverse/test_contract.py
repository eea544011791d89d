"""The contract of the `CrmClient` port, run against the Dataverse client talking to
the simulator over real HTTP. Setup and checks go through the port only, so any
other `CrmClient` adapter can run the same suite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.crm import (
    Create,
    CrmConcurrencyError,
    CrmDuplicateError,
    CrmErrorClass,
    CrmNotFoundError,
    CrmPermissionError,
    CrmValidationError,
    Delete,
    Lookup,
    NewRow,
    RowChange,
    Update,
    Upsert,
)
from domain.crm_admin import CrmClient
from tests.integration.dataverse.solution_package import solution_zip


async def names(
    crm: CrmClient, *, filter: str | None = None, orderby: list[str] | None = None, top: int | None = None
) -> list[str]:
    pages = crm.query("account", select=["name"], filter=filter, orderby=orderby, top=top)
    return [str(row.get("name")) async for page in pages for row in page]


class TestIdentity:
    async def test_who_am_i_is_the_apps_application_user(self, crm: CrmClient) -> None:
        me = await crm.who_am_i()
        users = {user.id: user for user in await crm.system_users()}
        assert users[me.user_id].full_name == "# Couplet Admin"

    async def test_version_is_the_crms_dotted_version(self, crm: CrmClient) -> None:
        major, minor, *_ = (await crm.version()).split(".")
        assert (major, minor) == ("9", "2")


class TestSingleRows:
    async def test_a_created_row_reads_back_with_typed_values(self, crm: CrmClient) -> None:
        account = await crm.create(
            "account",
            {"name": "Adatum Corporation", "creditlimit": Decimal("25000.50"), "creditonhold": False},
        )
        row = await crm.get("account", account)
        assert row is not None
        assert row.id == account
        assert row.get("name") == "Adatum Corporation"
        assert row.get("creditlimit") == Decimal("25000.50")
        assert row.get("creditonhold") is False

    async def test_a_row_carries_its_etag_modified_on_and_modified_by(self, crm: CrmClient) -> None:
        before = datetime.now(UTC).replace(microsecond=0)
        account = await crm.create("account", {"name": "Adatum Corporation"})
        row = await crm.get("account", account, ["name"])
        me = await crm.who_am_i()
        assert row is not None
        assert row.etag is not None
        assert row.modified_on is not None
        assert before <= row.modified_on <= datetime.now(UTC)
        assert row.modified_by == me.user_id

    async def test_select_limits_the_columns_read(self, crm: CrmClient) -> None:
        account = await crm.create("account", {"name": "Adatum Corporation", "telephone1": "+45 70 10 20 30"})
        row = await crm.get("account", account, ["telephone1"])
        assert row is not None
        assert row.get("telephone1") == "+45 70 10 20 30"
        assert "name" not in row.attributes

    async def test_a_client_chosen_id_becomes_the_primary_key(self, crm: CrmClient) -> None:
        chosen = uuid4()
        assert await crm.create("account", {"name": "Fabrikam, Inc."}, id=chosen) == chosen
        assert await crm.get("account", chosen) is not None

    async def test_creating_an_existing_id_again_is_a_duplicate(self, crm: CrmClient) -> None:
        chosen = await crm.create("account", {"name": "Fabrikam, Inc."}, id=uuid4())
        with pytest.raises(CrmDuplicateError) as raised:
            await crm.create("account", {"name": "Fabrikam, Inc."}, id=chosen)
        assert raised.value.error_class is CrmErrorClass.CONFLICT

    async def test_a_missing_row_reads_as_none(self, crm: CrmClient) -> None:
        assert await crm.get("account", uuid4()) is None

    async def test_update_changes_only_the_attributes_given(self, crm: CrmClient) -> None:
        account = await crm.create("account", {"name": "Adatum Corporation", "telephone1": "70 10 20 30"})
        await crm.update("account", account, {"telephone1": "70 99 99 99"})
        row = await crm.get("account", account)
        assert row is not None
        assert (row.get("name"), row.get("telephone1")) == ("Adatum Corporation", "70 99 99 99")

    async def test_update_with_a_stale_etag_is_a_concurrency_conflict(self, crm: CrmClient) -> None:
        account = await crm.create("account", {"name": "Adatum Corporation"})
        read = await crm.get("account", account)
        assert read is not None
        await crm.update("account", account, {"name": "Adatum Corp. (edited in CRM)"})
        with pytest.raises(CrmConcurrencyError) as raised:
            await crm.update("account", account, {"name": "Adatum Corp. (from ERP)"}, etag=read.etag)
        assert raised.value.status == 412
        assert raised.value.error_class is CrmErrorClass.CONFLICT

    async def test_update_with_the_current_etag_succeeds(self, crm: CrmClient) -> None:
        account = await crm.create("account", {"name": "Adatum Corporation"})
        read = await crm.get("account", account)
        assert read is not None
        await crm.update("account", account, {"name": "Adatum Corp."}, etag=read.etag)
        again = await crm.get("account", account)
        assert again is not None
        assert again.get("name") == "Adatum Corp."
        assert again.etag != read.etag

    async def test_update_of_a_missing_row_is_not_found_and_creates_nothing(self, crm: CrmClient) -> None:
        ghost = uuid4()
        with pytest.raises(CrmNotFoundError):
            await crm.update("account", ghost, {"name": "Ghost"})
        assert await crm.get("account", ghost) is None

    async def test_upsert_creates_then_updates(self, crm: CrmClient) -> None:
        chosen = uuid4()
        assert await crm.upsert("account", chosen, {"name": "Contoso Pharmaceuticals"}) is True
        assert await crm.upsert("account", chosen, {"name": "Contoso Pharma"}) is False
        row = await crm.get("account", chosen)
        assert row is not None
        assert row.get("name") == "Contoso Pharma"

    async def test_delete_removes_the_row(self, crm: CrmClient) -> None:
        account = await crm.create("account", {"name": "Adatum Corporation"})
        await crm.delete("account", account)
        assert await crm.get("account", account) is None

    async def test_deleting_a_missing_row_is_not_found(self, crm: CrmClient) -> None:
        with pytest.raises(CrmNotFoundError) as raised:
            await crm.delete("account", uuid4())
        assert raised.value.error_class is CrmErrorClass.NOT_FOUND


class TestLookups:
    async def test_a_lookup_is_written_and_read_as_a_lookup(self, crm: CrmClient) -> None:
        parent = await crm.create("account", {"name": "Adatum Holding"})
        child = await crm.create(
            "account", {"name": "Adatum Denmark", "parentaccountid": Lookup("account", parent)}
        )
        row = await crm.get("account", child, ["parentaccountid"])
        assert row is not None
        assert row.get("parentaccountid") == Lookup("account", parent)

    async def test_a_customer_lookup_reads_back_with_its_target_entity(self, crm: CrmClient) -> None:
        account = await crm.create("account", {"name": "Adatum Corporation"})
        contact = await crm.create(
            "contact",
            {"firstname": "Ann", "lastname": "Beebe", "parentcustomerid": Lookup("account", account)},
        )
        row = await crm.get("contact", contact, ["fullname", "parentcustomerid"])
        assert row is not None
        assert row.get("parentcustomerid") == Lookup("account", account)
        assert row.get("fullname") == "Ann Beebe"

    async def test_none_clears_a_lookup(self, crm: CrmClient) -> None:
        parent = await crm.create("account", {"name": "Adatum Holding"})
        child = await crm.create(
            "account", {"name": "Adatum Denmark", "parentaccountid": Lookup("account", parent)}
        )
        await crm.update("account", child, {"parentaccountid": None})
        row = await crm.get("account", child, ["parentaccountid"])
        assert row is not None
        assert row.get("parentaccountid") is None

    async def test_a_lookup_to_a_missing_row_is_not_found(self, crm: CrmClient) -> None:
        with pytest.raises(CrmNotFoundError):
            await crm.create("account", {"name": "Orphan", "parentaccountid": Lookup("account", uuid4())})


class TestQueries:
    async def test_filter_orderby_and_top(self, crm: CrmClient) -> None:
        for name in ("Adatum Corporation", "Alpine Ski House", "Blue Yonder Airlines", "Adventure Works"):
            await crm.create("account", {"name": name})
        found = await names(crm, filter="startswith(name,'a')", orderby=["name desc"], top=2)
        assert found == ["Alpine Ski House", "Adventure Works"]

    async def test_pages_hold_at_most_the_page_size_and_cover_every_row(self, crm: CrmClient) -> None:
        created = {await crm.create("account", {"name": f"Customer {n:02d}"}) for n in range(7)}
        pages = [page async for page in crm.query("account", select=["name"], page_size=3)]
        assert [len(page) for page in pages] == [3, 3, 1]
        assert {row.id for page in pages for row in page} == created

    async def test_changed_since_returns_later_changes_ordered_by_modified_on_then_id(
        self, crm: CrmClient
    ) -> None:
        first = await crm.create("account", {"name": "Adatum Corporation"})
        second = await crm.create("account", {"name": "Fabrikam, Inc."})
        rows = [row async for page in crm.changed_since("account", None, page_size=1) for row in page]
        assert {row.id for row in rows} == {first, second}
        keys = [(row.modified_on, str(row.id)) for row in rows]
        assert keys == sorted(keys)
        watermark = max(row.modified_on for row in rows if row.modified_on)
        later = [row async for page in crm.changed_since("account", watermark) for row in page]
        assert later == []
        earlier = [
            row
            async for page in crm.changed_since("account", watermark - timedelta(seconds=1))
            for row in page
        ]
        assert {row.id for row in earlier} == {first, second}

    async def test_get_many_returns_the_rows_that_exist(self, crm: CrmClient) -> None:
        ids = [await crm.create("account", {"name": f"Customer {n}"}) for n in range(3)]
        rows = await crm.get_many("account", [*ids, uuid4()], ["name"])
        assert {row.id for row in rows} == set(ids)


class TestBulk:
    async def test_create_multiple_returns_the_ids_in_input_order(self, crm: CrmClient) -> None:
        chosen = uuid4()
        result = await crm.create_multiple(
            "account", [NewRow({"name": "Adatum Corporation"}), NewRow({"name": "Fabrikam, Inc."}, id=chosen)]
        )
        assert result.failures == []
        assert len(result.ids) == 2
        assert result.ids[1] == chosen
        assert await names(crm, orderby=["name"]) == ["Adatum Corporation", "Fabrikam, Inc."]

    async def test_a_bad_row_fails_alone_and_the_others_are_written(self, crm: CrmClient) -> None:
        rows = [
            NewRow({"name": "Adatum Corporation"}),
            NewRow({"name": "x" * 161}),
            NewRow({"name": "Fabrikam, Inc."}),
        ]
        result = await crm.create_multiple("account", rows)
        assert len(result.ids) == 2
        assert [failure.index for failure in result.failures] == [1]
        assert isinstance(result.failures[0].error, CrmValidationError)
        assert await names(crm, orderby=["name"]) == ["Adatum Corporation", "Fabrikam, Inc."]

    async def test_update_multiple_writes_every_row(self, crm: CrmClient) -> None:
        ids = [await crm.create("account", {"name": f"Customer {n}"}) for n in range(3)]
        result = await crm.update_multiple(
            "account", [RowChange(i, {"telephone1": "70 10 20 30"}) for i in ids]
        )
        assert result.ids == ids
        rows = await crm.get_many("account", ids, ["telephone1"])
        assert {row.get("telephone1") for row in rows} == {"70 10 20 30"}

    async def test_update_multiple_reports_a_missing_row_as_not_found(self, crm: CrmClient) -> None:
        existing = await crm.create("account", {"name": "Adatum Corporation"})
        result = await crm.update_multiple(
            "account", [RowChange(existing, {"name": "A"}), RowChange(uuid4(), {"name": "B"})]
        )
        assert result.ids == [existing]
        assert isinstance(result.failures[0].error, CrmNotFoundError)

    async def test_upsert_multiple_creates_and_updates(self, crm: CrmClient) -> None:
        existing = await crm.create("account", {"name": "Adatum Corporation"})
        new = uuid4()
        result = await crm.upsert_multiple(
            "account",
            [RowChange(existing, {"name": "Adatum Corp."}), RowChange(new, {"name": "Fabrikam, Inc."})],
        )
        assert result.ids == [existing, new]
        assert await names(crm, orderby=["name"]) == ["Adatum Corp.", "Fabrikam, Inc."]


class TestBatch:
    async def test_an_atomic_batch_applies_every_operation(self, crm: CrmClient) -> None:
        existing = await crm.create("account", {"name": "Adatum Corporation"})
        doomed = await crm.create("account", {"name": "Old Customer"})
        new = uuid4()
        results = await crm.batch(
            [
                Create("account", {"name": "Fabrikam, Inc."}, id=new),
                Update("account", existing, {"name": "Adatum Corp."}),
                Upsert("account", uuid4(), {"name": "Contoso Ltd."}),
                Delete("account", doomed),
            ]
        )
        assert all(result.ok for result in results)
        assert results[0].id == new
        assert await names(crm, orderby=["name"]) == ["Adatum Corp.", "Contoso Ltd.", "Fabrikam, Inc."]

    async def test_an_atomic_batch_that_fails_changes_nothing(self, crm: CrmClient) -> None:
        existing = await crm.create("account", {"name": "Adatum Corporation"})
        with pytest.raises(CrmNotFoundError):
            await crm.batch(
                [
                    Create("account", {"name": "Fabrikam, Inc."}),
                    Update("account", existing, {"name": "Adatum Corp."}),
                    Update("account", uuid4(), {"name": "Ghost"}),
                ]
            )
        assert await names(crm) == ["Adatum Corporation"]

    async def test_a_non_atomic_batch_reports_each_operations_outcome(self, crm: CrmClient) -> None:
        results = await crm.batch(
            [
                Create("account", {"name": "Fabrikam, Inc."}),
                Update("account", uuid4(), {"name": "Ghost"}),
                Create("account", {"name": "Contoso Ltd."}),
            ],
            atomic=False,
        )
        assert [result.ok for result in results] == [True, False, True]
        assert isinstance(results[1].error, CrmNotFoundError)
        assert await names(crm, orderby=["name"]) == ["Contoso Ltd.", "Fabrikam, Inc."]


class TestUsersAndRoles:
    async def test_roles_can_be_found_by_name(self, crm: CrmClient) -> None:
        roles = await crm.roles(name="Salesperson")
        assert [role.name for role in roles] == ["Salesperson"]

    async def test_an_administrator_assigns_a_role_to_a_user(
        self, crm: CrmClient, sync_crm: CrmClient
    ) -> None:
        user = (await sync_crm.who_am_i()).user_id
        salesperson = (await crm.roles(name="Salesperson"))[0]
        await crm.associate_role(user, salesperson.id)
        await crm.associate_role(user, salesperson.id)  # already held: left as it is
        assert await crm.user_roles(user) == [salesperson]
        users = {u.id: u for u in await crm.system_users(filter="isintegrationuser eq true")}
        assert users[user].roles == (salesperson,)
        assert users[user].is_integration_user is True

    async def test_assigning_roles_needs_a_system_administrator(self, sync_crm: CrmClient) -> None:
        user = (await sync_crm.who_am_i()).user_id
        role = (await sync_crm.roles(name="System Administrator"))[0]
        with pytest.raises(CrmPermissionError) as raised:
            await sync_crm.associate_role(user, role.id)
        assert raised.value.status == 403


class TestSolutionsAndOptions:
    async def test_an_imported_solution_is_listed_with_its_version(self, crm: CrmClient) -> None:
        await crm.import_solution(solution_zip(version="1.2.0.0"))
        solutions = {s.unique_name: s for s in await crm.installed_solutions()}
        assert solutions["CoupletIntegration"].version == "1.2.0.0"
        assert solutions["CoupletIntegration"].installed_on is not None

    async def test_a_solutions_entities_and_columns_work_through_the_port(self, crm: CrmClient) -> None:
        await crm.import_solution(solution_zip())
        company = await crm.create("cpl_company", {"cpl_name": "CRONUS DK", "cpl_externalid": str(uuid4())})
        customer = await crm.create("account", {"name": "Adatum Corporation"})
        order = await crm.create(
            "salesorder",
            {
                "name": "SO-1001",
                "customerid": Lookup("account", customer),
                "cpl_companyid": Lookup("cpl_company", company),
                "cpl_syncedon": datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
            },
        )
        row = await crm.get("salesorder", order, ["cpl_companyid", "cpl_syncedon"])
        assert row is not None
        assert row.get("cpl_companyid") == Lookup("cpl_company", company)
        assert row.get("cpl_syncedon") == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        companies = [r async for page in crm.query("cpl_company") for r in page]
        assert isinstance(companies[0].get("cpl_externalid"), str)

    async def test_importing_a_solution_needs_a_system_administrator(self, sync_crm: CrmClient) -> None:
        with pytest.raises(CrmPermissionError):
            await sync_crm.import_solution(solution_zip())

    async def test_the_account_option_sets_have_dataverses_default_options(self, crm: CrmClient) -> None:
        terms = await crm.option_set("account", "paymenttermscode")
        assert [(o.value, o.label) for o in terms] == [
            (1, "Net 30"),
            (2, "2% 10, Net 30"),
            (3, "Net 45"),
            (4, "Net 60"),
        ]
        freight = await crm.option_set("account", "address1_freighttermscode")
        assert [o.label for o in freight] == ["FOB", "No Charge"]
        shipping = await crm.option_set("account", "address1_shippingmethodcode")
        assert [o.label for o in shipping][:4] == ["Airborne", "DHL", "FedEx", "UPS"]

    async def test_an_inserted_option_gets_a_new_value_and_can_be_used(self, crm: CrmClient) -> None:
        value = await crm.insert_option_value("account", "paymenttermscode", "14 DAYS")
        assert value not in (1, 2, 3, 4)
        assert (value, "14 DAYS") in [
            (o.value, o.label) for o in await crm.option_set("account", "paymenttermscode")
        ]
        account = await crm.create("account", {"name": "Adatum Corporation", "paymenttermscode": value})
        row = await crm.get("account", account, ["paymenttermscode"])
        assert row is not None
        assert row.get("paymenttermscode") == value

    async def test_a_value_outside_the_option_set_is_refused(self, crm: CrmClient) -> None:
        with pytest.raises(CrmValidationError):
            await crm.create("account", {"name": "Adatum Corporation", "paymenttermscode": 99})

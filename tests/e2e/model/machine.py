"""A state machine of the sync engine: ERP users, CRM users and Couplet's
operations in any order, checked against the model (`model.py`) after every
step and, at the end, once everything has settled."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from typing import Any, ClassVar

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.e2e.model.model import CRM_ENTITY, CRM_KEY, ERP_TABLE, SHARED, WINNER_OF, Model, Pair, same
from tests.e2e.model.world import PAYMENT_TERMS, World

CITIES = st.sampled_from(["Aarhus", "Odense", "Vejle"])
PHONES = st.sampled_from(["111", "222", "333"])
EMAILS = st.sampled_from(["a@cronus.example", "b@cronus.example"])
SYNCED = ("CUSTOMER", "CONTACT", "ITEM-PRODUCT")
DIRECTIONS = st.sampled_from([None, "TO_CRM", "FROM_CRM"])
ERP_FIELD = {"CUSTOMER": {"name": "name", "city": "city", "phone": "phone"}}
INPUT_NAME = {
    "name": "name",
    "city": "city",
    "phone": "phone",
    "last_name": "lastName",
    "email": "email",
    "description": "description",
}
LABEL = {"CUSTOMER": "Customer", "CONTACT": "Contact", "ITEM-PRODUCT": "Item"}


PROFILE_STEPS = bool(os.environ.get("COUPLET_MODEL_PROFILE_STEPS"))


COUPLE = "mutation($i: CoupleRecordsInput!) { p: coupleRecords(input: $i) { userErrors { code message } } }"


class InvariantBroken(AssertionError):
    """A sync rule of README/DOMAIN.md does not hold."""


class SyncOrderings(RuleBasedStateMachine):
    """Each example starts from an empty ERP, a new simulated org, the default
    mappings and the local currency coupled."""

    world: ClassVar[World]
    crashes: ClassVar[bool] = True  # whether workers are killed mid-page (not under arq)
    crashes_recovered: ClassVar[int] = 0  # programs in which a killed job was run again

    def __init__(self) -> None:
        super().__init__()
        self.w = self.world
        self.m = Model()
        self.settled = True
        self.salesperson_coupled = False
        self.ends_at_rest = True
        self.w.reset()

    @initialize(at_rest=st.sampled_from([True, False, False]))
    def decide_whether_the_program_ends_with_the_at_rest_checks(self, at_rest: bool) -> None:
        """The at-rest checks (two more syncs of everything) cost more than the rest of
        a program: one program in three ends with them, so CI explores three times
        as many orderings; the per-step invariants hold in every program."""
        self.ends_at_rest = at_rest

    # helpers

    def begin(self) -> None:
        self.settled = False
        if PROFILE_STEPS:
            import inspect
            import time

            self._step = (inspect.stack()[1].function, time.monotonic())

    def live_erp(self, mapping: str, *, coupled: bool | None = None) -> list[tuple[str, uuid.UUID]]:
        rows = self.w.erp_rows(ERP_TABLE[mapping])
        pairs = {c.erp_id for c in self.w.couplings(mapping)}
        return sorted(
            (str(r["no"]), uuid.UUID(str(r["id"])))
            for r in rows
            if coupled is None or ((uuid.UUID(str(r["id"])) in pairs) == coupled)
        )

    def live_crm(self, mapping: str, *, coupled: bool | None = None) -> list[uuid.UUID]:
        entity = CRM_ENTITY[mapping]
        pairs = {c.crm_id for c in self.w.couplings(mapping)}
        return sorted(
            r[CRM_KEY[entity]]
            for r in self.w.crm_rows(entity)
            if (entity != "account" or r.get("customertypecode") == 3)
            and (coupled is None or (r[CRM_KEY[entity]] in pairs) == coupled)
        )

    def erp_write(
        self, mapping: str, values: dict[str, Any], model_values: dict[str, object], *, created: bool = False
    ) -> bool:
        errors = self.w.upsert(LABEL[mapping], values)
        if errors:
            return False
        (row,) = [r for r in self.w.erp_rows(ERP_TABLE[mapping]) if r["no"] == values["no"]]
        record_id = uuid.UUID(str(row["id"]))
        self.m.erp_no.setdefault(mapping, {})[record_id] = values["no"]
        self.m.wrote("erp", mapping, record_id, model_values, created=created)
        return True

    def crm_write(self, mapping: str, row_id: uuid.UUID | None, values: dict[str, Any]) -> uuid.UUID:
        entity = CRM_ENTITY[mapping]
        created = row_id is None
        if row_id is None:
            row_id = self.w.crm_add(entity, values)
        else:
            self.w.crm_update(entity, row_id, values)
        shared = {crm for _, crm in SHARED[mapping]}
        self.m.wrote(
            "crm", mapping, row_id, {k: v for k, v in values.items() if k in shared}, created=created
        )
        return row_id

    def refresh(self) -> None:
        """Learn the couplings that appeared; check nothing was made twice or reused."""
        for mapping in SYNCED:
            self._learn(mapping)

    def _learn(self, mapping: str) -> None:
        table = ERP_TABLE[mapping]
        erp_rows = {uuid.UUID(str(r["id"])): r for r in self.w.erp_rows(table)}
        self._check_numbers(mapping, erp_rows)
        self._check_made(mapping, erp_rows)

    def _check_numbers(self, mapping: str, erp_rows: dict[uuid.UUID, dict[str, Any]]) -> None:
        table = ERP_TABLE[mapping]
        for record_id, row in erp_rows.items():
            number = (table, str(row["no"]))
            known = self.m.numbers.setdefault(number, record_id)
            if known != record_id:
                raise InvariantBroken(
                    f"{table} number {row['no']} of a deleted record was given to a new record (reused)"
                )
            self.m.erp_no.setdefault(mapping, {})[record_id] = str(row["no"])

    def _check_made(self, mapping: str, erp_rows: dict[uuid.UUID, dict[str, Any]]) -> None:
        table, entity = ERP_TABLE[mapping], CRM_ENTITY[mapping]
        couplings = [c for c in self.w.couplings(mapping) if c.crm_id is not None]
        by_crm = {c.crm_id: c for c in couplings}
        pairs = self.m.pairs.setdefault(mapping, {})
        user_erp = {k for k, r in self.m.erp.setdefault(mapping, {}).items() if r.by_user}
        user_crm = {k for k, r in self.m.crm.setdefault(mapping, {}).items() if r.by_user}
        crm_records = self.m.crm[mapping]
        for c in couplings:
            assert c.crm_id is not None
            pair = pairs.get(c.erp_id)
            if pair is None or pair.crm_id != c.crm_id:
                pairs[c.erp_id] = Pair(c.erp_id, c.crm_id, self.m.tick())
            if c.crm_id not in user_crm:
                made = self.m.made_for.setdefault(mapping, {}).setdefault(c.erp_id, set())
                made.add(c.crm_id)
                if len(made) > 1:
                    raise InvariantBroken(
                        f"{mapping}: Couplet made {len(made)} CRM rows for ERP {self._no(mapping, c.erp_id)}"
                    )
            if c.erp_id not in user_erp:
                made = self.m.erp_made_for.setdefault(mapping, {}).setdefault(c.crm_id, set())
                made.add(c.erp_id)
                deleted_at = self.m.deleted_pairs.get(mapping, {}).get(c.crm_id)
                if deleted_at is not None and c.erp_id in erp_rows:
                    row_record = crm_records.get(c.crm_id)
                    edited_after = row_record is not None and any(
                        w.seq > deleted_at for w in row_record.writes.values()
                    )
                    if not edited_after and not self.m.ever(
                        mapping, deleted_at, "deletionConflictResolution", "RESTORE_RECORD"
                    ):
                        raise InvariantBroken(
                            f"{mapping}: ERP record deleted by its user came back as "
                            f"{erp_rows[c.erp_id]['no']} (CRM row {c.crm_id} untouched since; "
                            f"deletion policy never RESTORE_RECORD)"
                        )
        for row in self.w.crm_rows(entity):
            row_id = row[CRM_KEY[entity]]
            if row_id in user_crm or row_id in by_crm:
                continue
            origin = [e for e, made in self.m.made_for.get(mapping, {}).items() if row_id in made]
            if not origin:
                raise InvariantBroken(f"{mapping}: Couplet made CRM {entity} {row_id} and left it uncoupled")
        for record_id, row in erp_rows.items():
            if record_id in user_erp or any(c.erp_id == record_id for c in couplings):
                continue
            origin = [k for k, made in self.m.erp_made_for.get(mapping, {}).items() if record_id in made]
            if not origin:
                raise InvariantBroken(
                    f"{mapping}: Couplet made ERP {table} {row['no']} and left it uncoupled"
                )

    def _no(self, mapping: str, erp_id: uuid.UUID) -> str:
        return self.m.erp_no.get(mapping, {}).get(erp_id, str(erp_id))

    # ERP users

    @rule(city=CITIES, phone=PHONES, terms=st.sampled_from([None, *PAYMENT_TERMS]), jo=st.booleans())
    def erp_user_creates_a_customer(self, city: str, phone: str, terms: str | None, jo: bool) -> None:
        self.begin()
        no, name = self.m.fresh_number("C"), self.m.fresh_name("Customer")
        values: dict[str, Any] = {"no": no, "name": name, "city": city, "phone": phone}
        if terms:
            values["paymentTermsCode"] = terms
        if jo:
            values["salespersonCode"] = "JO"
        assert self.erp_write("CUSTOMER", values, {"name": name, "city": city, "phone": phone}, created=True)

    @precondition(lambda self: self.m.erp.get("CUSTOMER"))
    @rule(data=st.data(), field=st.sampled_from(["name", "city", "phone"]))
    def erp_user_edits_a_customer(self, data: st.DataObject, field: str) -> None:
        self.begin()
        live = self.live_erp("CUSTOMER")
        if not live:
            return
        no, _ = data.draw(st.sampled_from(live), label="customer")
        value = (
            self.m.fresh_name("Renamed")
            if field == "name"
            else data.draw(CITIES if field == "city" else PHONES, label=field)
        )
        self.erp_write("CUSTOMER", {"no": no, INPUT_NAME[field]: value}, {field: value})

    @precondition(lambda self: self.m.erp.get("CUSTOMER"))
    @rule(data=st.data())
    def erp_user_deletes_a_customer(self, data: st.DataObject) -> None:
        self.begin()
        live = self.live_erp("CUSTOMER")
        if not live:
            return
        no, record_id = data.draw(st.sampled_from(live), label="customer")
        coupling = [c for c in self.w.couplings("CUSTOMER") if c.erp_id == record_id]
        if self.w.delete("Customer", no):
            return  # refused (contacts work for it)
        at = self.m.tick()
        record = self.m.erp.setdefault("CUSTOMER", {}).setdefault(record_id, _record(by_user=False))
        record.deleted_at = at
        for c in coupling:
            if c.crm_id is not None:
                self.m.deleted_pairs.setdefault("CUSTOMER", {})[c.crm_id] = at

    @precondition(lambda self: self.m.erp.get("CUSTOMER"))
    @rule(data=st.data(), email=EMAILS)
    def erp_user_creates_a_contact(self, data: st.DataObject, email: str) -> None:
        self.begin()
        live = self.live_erp("CUSTOMER")
        if not live:
            return
        company, _ = data.draw(st.sampled_from(live), label="company")
        no, last = self.m.fresh_number("CT"), self.m.fresh_name("Person")
        values = {"no": no, "type": "PERSON", "companyNo": company, "lastName": last, "email": email}
        self.erp_write("CONTACT", values, {"last_name": last, "email": email}, created=True)

    @precondition(lambda self: self.m.erp.get("CONTACT"))
    @rule(data=st.data(), field=st.sampled_from(["last_name", "email"]))
    def erp_user_edits_a_contact(self, data: st.DataObject, field: str) -> None:
        self.begin()
        live = self.live_erp("CONTACT")
        if not live:
            return
        no, _ = data.draw(st.sampled_from(live), label="contact")
        value = self.m.fresh_name("Person") if field == "last_name" else data.draw(EMAILS, label="email")
        self.erp_write("CONTACT", {"no": no, INPUT_NAME[field]: value}, {field: value})

    @rule(box=st.booleans())
    def erp_user_creates_an_item(self, box: bool) -> None:
        self.begin()
        no, description = self.m.fresh_number("1"), self.m.fresh_name("Chair")
        values: dict[str, Any] = {"no": no, "description": description, "baseUnitOfMeasure": "PCS"}
        if box:
            values["unitsOfMeasure"] = [{"code": "BOX", "qtyPerUnit": "6"}]
        assert self.erp_write("ITEM-PRODUCT", values, {"description": description}, created=True)

    @precondition(lambda self: self.m.erp.get("ITEM-PRODUCT"))
    @rule(data=st.data())
    def erp_user_renames_an_item(self, data: st.DataObject) -> None:
        self.begin()
        live = self.live_erp("ITEM-PRODUCT")
        if not live:
            return
        no, _ = data.draw(st.sampled_from(live), label="item")
        description = self.m.fresh_name("Table")
        self.erp_write("ITEM-PRODUCT", {"no": no, "description": description}, {"description": description})

    @precondition(lambda self: self.m.erp.get("ITEM-PRODUCT"))
    @rule(data=st.data())
    def erp_user_deletes_an_item(self, data: st.DataObject) -> None:
        self.begin()
        live = self.live_erp("ITEM-PRODUCT")
        if not live:
            return
        no, record_id = data.draw(st.sampled_from(live), label="item")
        coupling = [c for c in self.w.couplings("ITEM-PRODUCT") if c.erp_id == record_id]
        if self.w.delete("Item", no):
            return
        at = self.m.tick()
        self.m.erp.setdefault("ITEM-PRODUCT", {}).setdefault(
            record_id, _record(by_user=False)
        ).deleted_at = at
        for c in coupling:
            if c.crm_id is not None:
                self.m.deleted_pairs.setdefault("ITEM-PRODUCT", {})[c.crm_id] = at

    # CRM users

    @rule(data=st.data(), city=CITIES, phone=PHONES)
    def crm_user_creates_an_account(self, data: st.DataObject, city: str, phone: str) -> None:
        """Sometimes named like an ERP customer without an account (so matching can couple them)."""
        self.begin()
        uncoupled = self.live_erp("CUSTOMER", coupled=False)
        names = {r["no"]: r["name"] for r in self.w.erp_rows("customer")}
        twin = data.draw(st.booleans(), label="twin") if uncoupled else False
        name = names[data.draw(st.sampled_from(uncoupled), label="of")[0]] if twin else None
        name = name or self.m.fresh_name("Account")
        self.crm_write(
            "CUSTOMER",
            None,
            {"name": name, "customertypecode": 3, "address1_city": city, "telephone1": phone},
        )

    @precondition(lambda self: self.w.crm is not None)
    @rule(data=st.data(), attribute=st.sampled_from(["name", "address1_city", "telephone1"]))
    def crm_user_edits_an_account(self, data: st.DataObject, attribute: str) -> None:
        self.begin()
        live = self.live_crm("CUSTOMER")
        if not live:
            return
        row_id = data.draw(st.sampled_from(live), label="account")
        value = {
            "name": lambda: self.m.fresh_name("Renamed"),
            "address1_city": lambda: data.draw(CITIES, label="city"),
            "telephone1": lambda: data.draw(PHONES, label="phone"),
        }[attribute]()
        self.crm_write("CUSTOMER", row_id, {attribute: value})

    @rule(data=st.data())
    def crm_user_deletes_an_account(self, data: st.DataObject) -> None:
        self.begin()
        live = self.live_crm("CUSTOMER")
        if not live:
            return
        row_id = data.draw(st.sampled_from(live), label="account")
        self.w.crm_delete("account", row_id)
        self.m.crm.setdefault("CUSTOMER", {}).setdefault(
            row_id, _record(by_user=False)
        ).deleted_at = self.m.tick()

    @rule(data=st.data(), email=EMAILS)
    def crm_user_creates_a_contact(self, data: st.DataObject, email: str) -> None:
        self.begin()
        accounts = self.live_crm("CUSTOMER")
        if not accounts:
            return
        parent = data.draw(st.sampled_from(accounts), label="parent")
        from domain.crm import Lookup

        self.crm_write(
            "CONTACT",
            None,
            {
                "lastname": self.m.fresh_name("Person"),
                "emailaddress1": email,
                "parentcustomerid": Lookup("account", parent),
            },
        )

    @rule(data=st.data(), attribute=st.sampled_from(["lastname", "emailaddress1"]))
    def crm_user_edits_a_contact(self, data: st.DataObject, attribute: str) -> None:
        self.begin()
        live = self.live_crm("CONTACT")
        if not live:
            return
        row_id = data.draw(st.sampled_from(live), label="contact")
        value = self.m.fresh_name("Person") if attribute == "lastname" else data.draw(EMAILS, label="email")
        self.crm_write("CONTACT", row_id, {attribute: value})

    @rule()
    def crm_user_creates_a_product(self) -> None:
        self.begin()
        from domain.crm import Lookup

        self.crm_write(
            "ITEM-PRODUCT",
            None,
            {
                "name": self.m.fresh_name("Lamp"),
                "productnumber": self.m.fresh_number("P"),
                "producttypecode": 1,
                "quantitydecimal": 2,
                "defaultuomscheduleid": Lookup("uomschedule", self.w.default_unit_group),
                "defaultuomid": Lookup("uom", self.w.primary_unit),
            },
        )

    @rule(data=st.data())
    def crm_user_renames_a_product(self, data: st.DataObject) -> None:
        self.begin()
        live = self.live_crm("ITEM-PRODUCT")
        if not live:
            return
        row_id = data.draw(st.sampled_from(live), label="product")
        self.crm_write("ITEM-PRODUCT", row_id, {"name": self.m.fresh_name("Lamp")})

    @rule(data=st.data())
    def crm_user_deletes_a_product(self, data: st.DataObject) -> None:
        self.begin()
        live = self.live_crm("ITEM-PRODUCT")
        if not live:
            return
        row_id = data.draw(st.sampled_from(live), label="product")
        self.w.crm_delete("product", row_id)
        self.m.crm.setdefault("ITEM-PRODUCT", {}).setdefault(
            row_id, _record(by_user=False)
        ).deleted_at = self.m.tick()

    # Couplet's operations

    @rule(mapping=st.sampled_from([*SYNCED, "PAYMENT TERMS", "UNIT GROUP", "ITEM UOM"]), direction=DIRECTIONS)
    def sync_one_mapping(self, mapping: str, direction: str | None) -> None:
        self.begin()
        if mapping in ("PAYMENT TERMS", "UNIT GROUP", "ITEM UOM"):
            direction = None
        self.w.run_mapping_sync(mapping, direction)

    @rule()
    def sync_modified_records(self) -> None:
        self.begin()
        self.w.sync_modified_records()

    @rule()
    def scheduled_tick(self) -> None:
        self.begin()
        self.w.scheduler_tick()

    @rule()
    def full_sync(self) -> None:
        self.begin()
        review = self.w.query("{ fullSyncReview { isRunning } }")
        if not review["fullSyncReview"]["isRunning"]:
            self.w.mutate("mutation { p: resetFullSyncReview { userErrors { code } } }")
        payload = self.w.mutate("mutation { p: startFullSync { userErrors { code message } } }")
        assert payload["userErrors"] == [], payload
        self.w.drain()

    @rule(mapping=st.sampled_from(SYNCED), create=st.booleans())
    def match_based_coupling(self, mapping: str, create: bool) -> None:
        self.begin()
        payload = self.w.mutate(
            "mutation($i: MatchBasedCouplingInput!) { p: matchBasedCoupling(input: $i) { syncJob { id } "
            "userErrors { code message } } }",
            {"i": {"mapping": mapping, "createIfNoMatch": create}},
        )
        assert payload["userErrors"] == [], payload
        self.w.jobs_of(payload)

    @rule(data=st.data(), after=st.sampled_from([None, "TO_CRM", "FROM_CRM"]))
    def couple_a_customer_by_hand(self, data: st.DataObject, after: str | None) -> None:
        self.begin()
        erp = self.live_erp("CUSTOMER", coupled=False)
        crm = self.live_crm("CUSTOMER", coupled=False)
        if not erp or not crm:
            return
        no, _ = data.draw(st.sampled_from(erp), label="customer")
        row_id = data.draw(st.sampled_from(crm), label="account")
        payload = self.w.mutate(
            COUPLE,
            {"i": {"mapping": "CUSTOMER", "erpKey": no, "crmId": str(row_id), "syncAfter": after}},
        )
        assert payload["userErrors"] == [], payload
        self.w.drain()

    @precondition(lambda self: not self.salesperson_coupled)
    @rule()
    def couple_the_salesperson_releasing_parked_customers(self) -> None:
        self.begin()
        if self.w.couplings("SALESPEOPLE"):  # a full sync matched it already
            self.salesperson_coupled = True
            return
        payload = self.w.mutate(
            COUPLE,
            {"i": {"mapping": "SALESPEOPLE", "erpKey": "JO", "crmId": str(self.w.jim)}},
        )
        assert payload["userErrors"] == [], payload
        self.salesperson_coupled = True
        self.w.drain()

    @rule(data=st.data(), winner=st.sampled_from(["ERP", "CRM"]))
    def resolve_a_conflict(self, data: st.DataObject, winner: str) -> None:
        self.begin()
        conflicted = sorted(
            (c for c in self.w.couplings() if c.conflict and c.mapping in SYNCED), key=lambda c: c.id
        )
        if not conflicted:
            return
        c = data.draw(st.sampled_from(conflicted), label="coupling")
        payload = self.w.mutate(
            "mutation($i: ResolveConflictInput!) { p: resolveConflict(input: $i) "
            "{ userErrors { code message } } }",
            {"i": {"couplingId": c.id, "winner": winner}},
        )
        assert payload["userErrors"] == [], payload
        self.w.drain()
        # the user chose: the winner's values are now the last word on both sides
        assert c.conflict is not None
        assert c.crm_id is not None
        at = self.m.tick()
        for erp_field, crm_attribute in SHARED[c.mapping]:
            if crm_attribute in c.conflict:
                value = c.conflict[crm_attribute]["erp" if winner == "ERP" else "crm"]
                for book, record_id in ((self.m.erp, c.erp_id), (self.m.crm, c.crm_id)):
                    record = book.setdefault(c.mapping, {}).setdefault(record_id, _record(by_user=False))
                    record.writes[erp_field if book is self.m.erp else crm_attribute] = _write(at, value)

    @rule(
        mapping=st.sampled_from(SYNCED),
        only_coupled=st.booleans(),
        update=st.sampled_from(["NONE", "SEND_TO_CRM", "GET_FROM_CRM"]),
        deletion=st.sampled_from(["NONE", "REMOVE_COUPLING", "RESTORE_RECORD"]),
    )
    def admin_changes_the_policies(
        self, mapping: str, only_coupled: bool, update: str, deletion: str
    ) -> None:
        self.begin()
        changes = {
            "onlyCoupled": only_coupled,
            "updateConflictResolution": update,
            "deletionConflictResolution": deletion,
        }
        self.w.update_mapping(mapping, **changes)
        self.m.policies.setdefault(mapping, []).append((self.m.tick(), changes))

    @rule(
        mapping=st.sampled_from(SYNCED),
        side=st.sampled_from(["erp", "crm"]),
        data=st.data(),
    )
    def edit_between_the_two_passes_of_one_sync(self, mapping: str, side: str, data: st.DataObject) -> None:
        self.begin()
        self.w.run_mapping_sync(mapping, "TO_CRM")
        self.refresh()
        if side == "erp":
            live = self.live_erp(mapping)
            if live:
                no, _ = data.draw(st.sampled_from(live), label="record")
                field = SHARED[mapping][-1][0]
                value = self._value(mapping, field, data)
                self.erp_write(mapping, {"no": no, INPUT_NAME[field]: value}, {field: value})
        else:
            rows = self.live_crm(mapping)
            if rows:
                row_id = data.draw(st.sampled_from(rows), label="row")
                attribute = SHARED[mapping][-1][1]
                self.crm_write(
                    mapping, row_id, {attribute: self._value(mapping, SHARED[mapping][-1][0], data)}
                )
        self.w.run_mapping_sync(mapping, "FROM_CRM")

    def _value(self, mapping: str, field: str, data: st.DataObject) -> object:
        if field == "phone":
            return data.draw(PHONES, label="phone")
        if field == "email":
            return data.draw(EMAILS, label="email")
        return self.m.fresh_name("Edited")

    @precondition(lambda self: self.crashes)
    @rule(method=st.sampled_from(["upsert_multiple", "batch"]), city=CITIES)
    def worker_dies_mid_page_then_the_job_is_recovered(self, method: str, city: str) -> None:
        """A customer to write (a new one to create, or a coupled one edited), then its
        ERP → CRM pass, whose worker dies right after the bulk write reached the CRM;
        lease recovery runs the job again."""
        self.begin()
        coupled = self.live_erp("CUSTOMER", coupled=True)
        if method == "batch" and coupled:
            no, _ = coupled[0]
            self.erp_write("CUSTOMER", {"no": no, "city": city}, {"city": city})
        else:
            method = "upsert_multiple"
            self.erp_user_creates_a_customer(city, "555", None, False)
        with self.w.worker_dies_after(method) as died:
            payload = self.w.mutate(
                "mutation($i: RunMappingSyncInput!) { p: runMappingSync(input: $i) { syncJobs { id } "
                "syncJob { id } userErrors { code message } } }",
                {"i": {"mapping": "CUSTOMER", "direction": "TO_CRM", "onlyModified": method == "batch"}},
            )
            assert payload["userErrors"] == [], payload
            self.w.drain()
        recovered = self.w.recover_running_jobs()
        if died and recovered:
            event("a worker died mid-page; its job was run again")
            type(self).crashes_recovered += 1

    # invariants

    @invariant()
    def every_step_leaves_a_consistent_world(self) -> None:
        if self.w.crm is None:
            return
        self.refresh()
        self.check_couplings_are_one_to_one()
        self.check_no_job_failed()
        self.check_unit_groups()
        self.settled = True
        if PROFILE_STEPS and getattr(self, "_step", None):
            import time

            name, at = self._step
            print(f"  {name}: {time.monotonic() - at:.2f} s")  # noqa: T201

    def check_couplings_are_one_to_one(self) -> None:
        couplings = self.w.couplings()
        for key in ("erp_id", "crm_id", "crm_option"):
            seen = Counter((c.mapping, getattr(c, key)) for c in couplings if getattr(c, key) is not None)
            twice = [k for k, n in seen.items() if n > 1]
            if twice:
                raise InvariantBroken(f"coupled twice ({key}): {twice}")

    def check_no_job_failed(self) -> None:
        failed = [(j.mapping_name, j.direction, j.message) for j in self.w.jobs() if j.status == "FAILED"]
        if failed:
            raise InvariantBroken(f"jobs FAILED: {failed}")

    def check_unit_groups(self) -> None:
        units = self.w.crm_rows("uom")
        for group in self.w.crm_rows("uomschedule"):
            mine = [u for u in units if u["uomscheduleid"].id == group["uomscheduleid"]]
            base = [u for u in mine if u.get("isschedulebaseuom")]
            names = Counter(u["name"] for u in mine)
            if len(base) != 1 or any(n > 1 for n in names.values()):
                raise InvariantBroken(
                    f"unit group {group['name']}: {len(base)} base units, units {dict(names)}"
                )

    # at rest

    def teardown(self) -> None:
        try:
            if self.settled and self.ends_at_rest and self.w.crm is not None:
                self.at_rest()
        finally:
            self.w.drain()

    def at_rest(self) -> None:
        """Everything drained, a final sync run twice: the second writes nothing, every
        shared field agrees (or is a surfaced conflict) and holds the last user's write."""
        self.w.drain()
        self.w.sync_modified_records()
        self.refresh()
        second = self.w.sync_modified_records()
        self.refresh()
        self.check_no_job_failed()
        busy = [
            (j["mapping"], j["direction"], j["inserted"], j["modified"])
            for j in second
            if j["inserted"] or j["modified"]
        ]
        if busy:
            raise InvariantBroken(f"a sync right after a quiescent one still wrote: {busy}")
        for mapping in SYNCED:
            self.check_fields(mapping)

    def check_fields(self, mapping: str) -> None:
        table, entity = ERP_TABLE[mapping], CRM_ENTITY[mapping]
        erp_rows = {uuid.UUID(str(r["id"])): r for r in self.w.erp_rows(table)}
        crm_rows = {r[CRM_KEY[entity]]: r for r in self.w.crm_rows(entity)}
        for c in self.w.couplings(mapping):
            if c.pending or c.skipped or c.crm_id is None:
                continue
            erp, crm = erp_rows.get(c.erp_id), crm_rows.get(c.crm_id)
            if erp is None or crm is None or c.last_error_class in ("DEPENDENCY", "PERMANENT"):
                continue  # a counterpart gone, or a surfaced error on the coupling
            pair = self.m.pairs[mapping][c.erp_id]
            erp_writes = self.m.erp.get(mapping, {}).get(c.erp_id)
            crm_writes = self.m.crm.get(mapping, {}).get(c.crm_id)
            for erp_field, attribute in SHARED[mapping]:
                if c.conflict and attribute in c.conflict:
                    continue
                here, there = erp[erp_field], crm.get(attribute)
                if not same(here, there):
                    raise InvariantBroken(
                        f"{mapping} {erp['no']}: {erp_field}={here!r} in the ERP, {attribute}={there!r} "
                        "in the CRM, and no conflict surfaced"
                    )
                e = erp_writes.writes.get(erp_field) if erp_writes else None
                w = crm_writes.writes.get(attribute) if crm_writes else None
                allowed = self._allowed(mapping, pair, e, w)
                if allowed and not any(same(here, v) for v in allowed):
                    raise InvariantBroken(
                        f"{mapping} {erp['no']}.{erp_field} is {here!r} on both sides; the last write "
                        f"(ERP {e}, CRM {w}, coupled at {pair.seen_at}) was lost"
                    )

    def _allowed(self, mapping: str, pair: Pair, e: Any, w: Any) -> list[object]:
        after = [(x.seq, side, x.value) for side, x in (("erp", e), ("crm", w)) if x and x.seq > pair.seen_at]
        if not after:
            return [x.value for x in (e, w) if x is not None]
        after.sort(key=lambda t: t[0])
        allowed = [after[-1][2]]
        if len(after) == 2:
            first_seq, first_side, first_value = after[0]
            for policy in self.m.policy(mapping, first_seq, "updateConflictResolution"):
                if WINNER_OF.get(policy) == first_side:
                    allowed.append(first_value)
        return allowed


def _record(*, by_user: bool) -> Any:
    from tests.e2e.model.model import Record

    return Record(by_user=by_user)


def _write(at: int, value: object) -> Any:
    from tests.e2e.model.model import Write

    return Write(at, value)

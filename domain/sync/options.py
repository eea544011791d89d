"""ERP → CRM for option mappings (payment terms, shipment methods, shipping
agents): each ERP code is coupled to one option of a choice column of account,
labelled with the code (BC ref §2.5). Codes are business keys and never change,
so a coupled option needs no update; a missing one is a deleted counterpart."""

from __future__ import annotations

from domain.couplings.model import Coupling
from domain.crm import CrmError
from domain.financials.tables import table
from domain.jobs.model import ErrorClass, Outcome
from domain.mappings.model import DeletionConflictResolution
from domain.sync.context import SyncContext
from domain.sync.ledger import Ledger, RecordRef

PAGE = 500


async def run_options_to_crm(sc: SyncContext) -> None:
    mapping, spec = sc.mapping, table(sc.mapping.erp_table)
    entity, attribute = mapping.crm_entity, mapping.crm_option_attribute or ""
    options = {o.value: o.label for o in await sc.crm.option_set(entity, attribute)}
    async with sc.job.uow() as uow:
        if sc.params.erp_ids:
            records = await uow.erp.get_many(spec, "id", list(sc.params.erp_ids))
        else:
            records = await uow.erp.find(spec, {})
        couplings = await uow.couplings.in_mapping_by_erp(mapping.name, [r.id for r in records])
        taken = await uow.couplings.coupled_options(mapping.name)
    ledger = Ledger(sc)
    by_label = {label.casefold(): value for value, label in options.items() if value not in taken}
    for record in records:
        code = str(record["code"])
        coupling = couplings.get(record.id)
        if coupling is not None and coupling.crm_option in options:
            ledger.succeeded(coupling, Outcome.UNCHANGED, record_id=record.id, snapshot={"label": code})
            continue
        if coupling is not None:
            policy = mapping.deletion_conflict_resolution
            if policy is DeletionConflictResolution.REMOVE_COUPLING:
                ledger.uncouple(
                    coupling, f"{spec.label} {code}: its CRM option was deleted; coupling removed"
                )
                continue
            if policy is DeletionConflictResolution.NONE:
                ledger.failed(
                    RecordRef(record.id, code, str(coupling.crm_option), f"{spec.label} {code}"),
                    coupling,
                    ErrorClass.PERMANENT,
                    f"{spec.label} {code} is coupled to a deleted option",
                )
                continue
        elif not sc.creates:
            continue
        value = by_label.pop(code.casefold(), None)
        outcome = Outcome.COUPLED
        if value is None:
            try:
                value = await sc.crm.insert_option_value(entity, attribute, code)
            except CrmError as error:
                ref = RecordRef(record.id, code, None, f"{spec.label} {code}")
                ledger.failed(ref, coupling, ErrorClass.PERMANENT, ref.says(error))
                continue
            outcome = Outcome.INSERTED
        if coupling is None:
            now = sc.job.clock.now()
            coupling = Coupling(
                id=sc.job.ids.new_id(),
                mapping=mapping.name,
                erp_id=record.id,
                crm_option=value,
                created_at=now,
                modified_at=now,
            )
            ledger.couple(coupling)
        else:
            coupling.crm_option = value
        ledger.succeeded(coupling, outcome, record_id=record.id, snapshot={"label": code})
    async with sc.job.uow() as uow:
        await ledger.write(uow)
    await ledger.done()

"""Main paths against the demo company on the built-in QuickBooks simulator."""

from __future__ import annotations

import pytest

from qbsync_client import RpcError, StatusCode, messages as m
from support import DEMO, invoice, linked_customer, mapped_item, record_ref, unique, wait_for_status


def counts(client) -> dict:
    health = client.get_health(m.GetHealthRequest(company_id=DEMO))
    (company,) = health.companies
    table = {(c.entity, c.status): c.count for c in company.counts}
    table["mapped_customers"] = company.mapped_customers
    table["last_sequence"] = health.last_sequence
    return table


def test_health_shows_the_connected_demo_company(client):
    health = client.get_health(m.GetHealthRequest())
    assert health.companies[0].company_id == "demo"
    assert health.companies[0].connection_state == m.CONNECTION_STATE_ACTIVE
    assert health.companies[0].realm_id
    assert health.version
    with pytest.raises(RpcError) as failure:
        client.get_health(m.GetHealthRequest(company_id=unique("no-such-company")))
    assert failure.value.code == StatusCode.NOT_FOUND


def test_auto_map_items_and_a_payment_method(client):
    rent, delivery, nothing = unique("RENT"), unique("DEL"), unique("NONE")
    items = client.auto_map(
        m.AutoMapRequest(
            company_id=DEMO,
            kind=m.MAPPING_KIND_ITEM,
            entries=[
                m.AutoMapEntry(external_code=rent, name="equipment rental"),  # case-insensitive
                m.AutoMapEntry(external_code=delivery, name="Delivery"),
                m.AutoMapEntry(external_code=nothing, name="No Such Item"),
            ],
        )
    )
    by_code = {mapping.external_code: mapping for mapping in items.mapped}
    assert set(by_code) == {rent, delivery}
    assert by_code[rent].qbo_name == "Equipment Rental" and by_code[rent].qbo_id
    assert by_code[delivery].qbo_name == "Delivery"
    assert list(items.unmatched_codes) == [nothing]

    cash = unique("CASH")
    methods = client.auto_map(
        m.AutoMapRequest(
            company_id=DEMO,
            kind=m.MAPPING_KIND_PAYMENT_METHOD,
            entries=[m.AutoMapEntry(external_code=cash, name="Undeposited Funds")],
        )
    )
    assert [(x.external_code, x.qbo_name) for x in methods.mapped] == [(cash, "Undeposited Funds")]

    listed = client.list_mappings(m.ListMappingsRequest(company_id=DEMO))
    stored = {(x.kind, x.external_code) for x in listed.mappings}
    assert {(m.MAPPING_KIND_ITEM, rent), (m.MAPPING_KIND_ITEM, delivery), (m.MAPPING_KIND_PAYMENT_METHOD, cash)} <= stored
    assert (m.MAPPING_KIND_ITEM, nothing) not in stored


def test_link_customer_create(client):
    external_id = unique("cust")
    request = m.LinkCustomerRequest(
        company_id=DEMO,
        mode=m.LINK_MODE_CREATE,
        customer=m.Customer(external_id=external_id, given_name="Amy", family_name=external_id, email=f"{external_id}@example.com"),
    )
    created = client.link_customer(request)
    assert created.outcome == m.LINK_OUTCOME_CREATED
    assert created.qbo_customer_id
    assert created.record.ref.entity == m.ENTITY_TYPE_CUSTOMER
    assert created.record.qbo_id == created.qbo_customer_id
    assert created.record.status == m.SYNC_STATUS_SYNCED
    # Idempotent for the same content.
    again = client.link_customer(request)
    assert again.outcome == m.LINK_OUTCOME_ALREADY_LINKED
    assert again.qbo_customer_id == created.qbo_customer_id


def test_invoice_then_payment_sync_and_health_counts_follow(client):
    before = counts(client)
    customer = linked_customer(client)
    item = mapped_item(client)
    method = unique("CASH")
    client.auto_map(
        m.AutoMapRequest(company_id=DEMO, kind=m.MAPPING_KIND_PAYMENT_METHOD, entries=[m.AutoMapEntry(external_code=method, name="Undeposited Funds")])
    )

    the_invoice = invoice(customer, item, amount_minor=25000)
    accepted = client.sync_invoice(m.SyncInvoiceRequest(company_id=DEMO, invoice=the_invoice))
    assert accepted.changed
    assert accepted.record.status in (m.SYNC_STATUS_PENDING, m.SYNC_STATUS_BLOCKED)  # accepted, not yet pushed
    assert accepted.record.ref == record_ref(m.ENTITY_TYPE_INVOICE, the_invoice.external_id)
    synced = wait_for_status(client, accepted.record.ref, m.SYNC_STATUS_SYNCED)
    assert synced.record.qbo_id and synced.record.qbo_entity == "Invoice"
    assert synced.record.doc_number == the_invoice.doc_number
    assert [h.to_status for h in reversed(synced.history)][-1] == m.SYNC_STATUS_SYNCED
    # Same content again: nothing changes.
    assert not client.sync_invoice(m.SyncInvoiceRequest(company_id=DEMO, invoice=the_invoice)).changed

    payment = m.Payment(
        external_id=unique("pay"),
        customer_external_id=customer,
        txn_date="2026-11-21",
        currency="USD",
        amount_minor=25000,
        method_code=method,
        applications=[m.PaymentApplication(invoice_external_id=the_invoice.external_id, amount_minor=25000)],
    )
    paid = client.sync_payment(m.SyncPaymentRequest(company_id=DEMO, payment=payment))
    assert paid.changed
    settled = wait_for_status(client, paid.record.ref, m.SYNC_STATUS_SYNCED)
    assert settled.record.qbo_entity == "Payment" and settled.record.qbo_id

    after = counts(client)
    synced_invoices = (m.ENTITY_TYPE_INVOICE, m.SYNC_STATUS_SYNCED)
    synced_payments = (m.ENTITY_TYPE_PAYMENT, m.SYNC_STATUS_SYNCED)
    assert after.get(synced_invoices, 0) == before.get(synced_invoices, 0) + 1
    assert after.get(synced_payments, 0) == before.get(synced_payments, 0) + 1
    assert after["mapped_customers"] == before["mapped_customers"] + 1
    assert after["last_sequence"] >= settled.record.last_event_sequence > before["last_sequence"]


def test_invoice_blocked_on_an_unmapped_item_syncs_after_set_mapping(client):
    customer = linked_customer(client)
    code = unique("UNMAPPED")
    blocked = client.sync_invoice(m.SyncInvoiceRequest(company_id=DEMO, invoice=invoice(customer, code)))
    assert blocked.record.status == m.SYNC_STATUS_BLOCKED
    assert [(b.kind, b.ref) for b in blocked.record.blockers] == [(m.BLOCKER_KIND_ITEM_NOT_MAPPED, code)]
    assert code in blocked.record.blockers[0].message

    unmapped = client.list_mappings(m.ListMappingsRequest(company_id=DEMO, kind=m.MAPPING_KIND_ITEM)).unmapped
    assert [(u.external_code, u.blocked_records) for u in unmapped if u.external_code == code] == [(code, 1)]

    # Find the QBO id of "Services" without storing anything, then map by hand.
    preview = client.auto_map(
        m.AutoMapRequest(company_id=DEMO, kind=m.MAPPING_KIND_ITEM, dry_run=True, entries=[m.AutoMapEntry(external_code=code, name="Services")])
    )
    assert preview.records_unblocked == 0
    assert wait_for_status(client, blocked.record.ref, m.SYNC_STATUS_BLOCKED, timeout=1)
    mapping = client.set_mapping(
        m.SetMappingRequest(company_id=DEMO, mapping=m.Mapping(kind=m.MAPPING_KIND_ITEM, external_code=code, qbo_id=preview.mapped[0].qbo_id))
    )
    assert mapping.records_unblocked == 1

    synced = wait_for_status(client, blocked.record.ref, m.SYNC_STATUS_SYNCED)
    assert not synced.record.blockers
    assert synced.record.qbo_id


def test_bulk_sync_dry_run_streams_to_a_finished_update(client):
    updates = list(client.bulk_sync(m.BulkSyncRequest(company_id=DEMO, dry_run=True, entities=[m.ENTITY_TYPE_INVOICE])))
    assert updates, "no progress at all"
    assert updates[-1].finished
    assert not any(u.finished for u in updates[:-1])
    assert updates[-1].totals.done == updates[-1].totals.selected

"""Graceful shutdown of a real server (its own process: the session's keeps running)."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from qbsync_client import Client, RpcError, StatusCode, messages as m
from support import DEMO, ServerProcess, invoice, linked_customer, mapped_item, unique


@pytest.fixture
def own_server():
    process = ServerProcess()
    try:
        process.wait_ready()
        yield process
    finally:
        process.stop()


def subscribe_then_terminate(server: ServerProcess, client: Client) -> Tuple[RpcError, List[int]]:
    """Subscribes, sees an event, sends SIGTERM; returns how the stream ended and what it delivered."""
    customer, item = linked_customer(client), mapped_item(client)
    stream = client.stream_sync_events(m.StreamSyncEventsRequest(company_id=DEMO, include_health=True))
    assert next(stream).WhichOneof("kind") == "health"
    client.sync_invoice(m.SyncInvoiceRequest(company_id=DEMO, invoice=invoice(customer, item)))
    delivered = [next(stream).event.sequence]
    assert delivered[0] > 0
    server.terminate()
    with pytest.raises(RpcError) as failure:
        for message in stream:
            delivered.append(message.event.sequence)
    return failure.value, delivered


def test_sigterm_ends_subscriptions_unavailable_then_the_server_exits_cleanly(own_server):
    with Client(own_server.socket_path, timeout=10) as client:
        error, _ = subscribe_then_terminate(own_server, client)
        assert error.code == StatusCode.UNAVAILABLE
        assert own_server.process.wait(15) == 0
        with pytest.raises(RpcError) as after:
            client.get_health()
        assert after.value.code == StatusCode.UNAVAILABLE


def test_sigterm_gives_subscriptions_a_resume_point(own_server):
    with Client(own_server.socket_path, timeout=10) as client:
        error, delivered = subscribe_then_terminate(own_server, client)
        assert error.code == StatusCode.UNAVAILABLE
        resume = error.detail(m.StreamResumePoint)
        assert resume is not None, (error.message, error.details)
        assert resume.last_delivered_sequence == delivered[-1]


def test_link_customer_auto_without_a_match_settles_and_the_server_still_stops():
    server = ServerProcess()
    try:
        server.wait_ready()
        with Client(server.socket_path, timeout=10) as client:
            external_id = unique("cust-auto")
            request = m.LinkCustomerRequest(
                company_id=DEMO,
                mode=m.LINK_MODE_AUTO,
                customer=m.Customer(external_id=external_id, given_name="Nobody", family_name=external_id, email=f"{external_id}@example.com"),
            )
            # Nothing in QBO has this email, name or phone, and the demo company's auto-create is off.
            response = client.link_customer(request, timeout=3)
            assert response.outcome == m.LINK_OUTCOME_NO_MATCH, m.LinkOutcome.Name(response.outcome)
            ref = m.RecordRef(company_id=DEMO, entity=m.ENTITY_TYPE_CUSTOMER, external_id=external_id)
            assert client.get_record(m.GetRecordRequest(ref=ref)).record.status != m.SYNC_STATUS_SYNCING
        server.terminate()
        assert server.process.wait(5) == 0
    finally:
        server.stop(grace=0.5)

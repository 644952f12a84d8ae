"""StreamSyncEvents: the health snapshot, live events in order, resuming without gaps or duplicates."""

from __future__ import annotations

import threading
import time
from typing import List

from qbsync_client import Client, messages as m
from support import DEMO, invoice, linked_customer, mapped_item

SYNCED = m.SYNC_STATUS_SYNCED


class Collector:
    """Reads a stream on a thread, so a test can wait for what it expects with a timeout."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.messages: List[m.SyncEventStreamMessage] = []
        self.error = None
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for message in self.stream:
                with self._changed:
                    self.messages.append(message)
                    self._changed.notify_all()
        except Exception as error:
            self.error = error
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, predicate, timeout: float = 15.0) -> List[m.SyncEventStreamMessage]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.messages):
                assert self.error is None, self.error
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; got {[self.describe(x) for x in self.messages]}"
                self._changed.wait(left)
            return list(self.messages)

    def events(self) -> List[m.SyncEvent]:
        with self._changed:
            return [x.event for x in self.messages if x.WhichOneof("kind") == "event"]

    @staticmethod
    def describe(message) -> str:
        if message.WhichOneof("kind") != "event":
            return message.WhichOneof("kind") or "empty"
        e = message.event
        return f"{e.sequence}:{e.ref.external_id}:{m.SyncStatus.Name(e.to_status)}"

    def close(self) -> None:
        self.stream.close()
        self._thread.join(5)


def reached(external_id: str, status: int):
    def predicate(messages) -> bool:
        return any(x.event.ref.external_id == external_id and x.event.to_status == status for x in messages if x.WhichOneof("kind") == "event")

    return predicate


def sync_new_invoice(client: Client, customer: str, item: str) -> str:
    request = m.SyncInvoiceRequest(company_id=DEMO, invoice=invoice(customer, item))
    client.sync_invoice(request)
    return request.invoice.external_id


def assert_strictly_increasing(events: List[m.SyncEvent]) -> None:
    sequences = [e.sequence for e in events]
    assert sequences == sorted(set(sequences)), sequences


def test_health_snapshot_first_then_events_in_sequence_order(client):
    customer, item = linked_customer(client), mapped_item(client)
    subscription = Collector(client.stream_sync_events(m.StreamSyncEventsRequest(company_id=DEMO, include_health=True)))
    try:
        first = subscription.wait_for(lambda messages: len(messages) >= 1)[0]
        assert first.WhichOneof("kind") == "health"
        assert first.health.companies[0].company_id == DEMO
        snapshot_sequence = first.health.last_sequence

        external_id = sync_new_invoice(client, customer, item)
        subscription.wait_for(reached(external_id, SYNCED))
        events = subscription.events()
        assert all(message.WhichOneof("kind") == "event" for message in subscription.messages[1:])
        assert_strictly_increasing(events)
        assert events[0].sequence > snapshot_sequence  # live only: nothing from before the snapshot

        mine = [e for e in events if e.ref.external_id == external_id]
        assert mine[0].from_status == m.SYNC_STATUS_UNSPECIFIED  # a new record
        assert mine[-1].to_status == SYNCED and mine[-1].qbo_id
        # Each transition starts where the previous one ended.
        assert all(a.to_status == b.from_status for a, b in zip(mine, mine[1:])), [(e.from_status, e.to_status) for e in mine]
        assert all(e.ref.entity == m.ENTITY_TYPE_INVOICE and e.ref.company_id == DEMO for e in mine)
    finally:
        subscription.close()


def test_resume_after_a_sequence_replays_exactly_the_later_events(client, socket_path):
    customer, item = linked_customer(client), mapped_item(client)
    live = Collector(client.stream_sync_events(m.StreamSyncEventsRequest(company_id=DEMO, include_health=True)))
    try:
        live.wait_for(lambda messages: len(messages) >= 1)
        first_invoice = sync_new_invoice(client, customer, item)
        live.wait_for(reached(first_invoice, SYNCED))
    finally:
        live.close()
    seen = live.events()
    mine = [e for e in seen if e.ref.external_id == first_invoice]
    assert len(mine) >= 2, mine
    resume_after = mine[0].sequence
    expected = [e for e in seen if e.sequence > resume_after]

    # A small window makes the replay depend on the client's WindowUpdates.
    with Client(socket_path, stream_window=2) as small_window:
        resumed = Collector(small_window.stream_sync_events(m.StreamSyncEventsRequest(company_id=DEMO, after_sequence=resume_after)))
        try:
            resumed.wait_for(lambda messages: any(x.event.sequence >= expected[-1].sequence for x in messages))
            # Then live again, seamlessly: a new record's events follow the replay.
            second_invoice = sync_new_invoice(client, customer, item)
            resumed.wait_for(reached(second_invoice, SYNCED))
        finally:
            resumed.close()
    replayed = resumed.events()
    assert all(x.WhichOneof("kind") == "event" for x in resumed.messages)  # no snapshot unless asked
    assert_strictly_increasing(replayed)
    assert replayed[0].sequence > resume_after
    # Exactly the events seen live after the resume point, then the new ones.
    assert [e.sequence for e in replayed[: len(expected)]] == [e.sequence for e in expected]
    assert [(e.ref.external_id, e.to_status) for e in replayed[: len(expected)]] == [(e.ref.external_id, e.to_status) for e in expected]
    assert any(e.ref.external_id == second_invoice for e in replayed[len(expected) :])


def test_filters_leave_out_other_entities(client):
    customer, item = linked_customer(client), mapped_item(client)
    payments_only = Collector(
        client.stream_sync_events(m.StreamSyncEventsRequest(company_id=DEMO, include_health=True, entities=[m.ENTITY_TYPE_PAYMENT]))
    )
    everything = Collector(client.stream_sync_events(m.StreamSyncEventsRequest(company_id=DEMO, include_health=True)))
    try:
        payments_only.wait_for(lambda messages: len(messages) >= 1)
        everything.wait_for(lambda messages: len(messages) >= 1)
        external_id = sync_new_invoice(client, customer, item)
        everything.wait_for(reached(external_id, SYNCED))
        time.sleep(0.2)
        assert all(e.ref.entity == m.ENTITY_TYPE_PAYMENT for e in payments_only.events())
        assert not [e for e in payments_only.events() if e.ref.external_id == external_id]
    finally:
        payments_only.close()
        everything.close()

'use strict';
// Against the real server (one `qbsync serve` for this file): unary calls,
// statuses with details, streams, cancellation, deadlines, multiplexing.

const test = require('node:test');
const assert = require('node:assert/strict');

const { Client, RpcError, StatusCode, messages: m } = require('..');
const { DEMO, startServer, rpcError, unique, sleep, linkedCustomer, mappedItem, invoice } = require('./support.js');

let server;
let client;

test.before(async () => {
  server = await startServer();
  client = new Client(server.socketPath, { timeout: 10000 });
});

test.after(async () => {
  if (client) client.close();
  if (server) await server.stop();
});

test('a unary call answers OK with the demo company', async () => {
  const health = await client.getHealth({ companyId: DEMO });
  assert.equal(health.companies.length, 1);
  assert.equal(health.companies[0].companyId, DEMO);
  assert.equal(health.companies[0].connectionState, m.ConnectionState.CONNECTION_STATE_ACTIVE);
  assert.equal(typeof health.lastSequence, 'bigint');
  assert.ok(health.version.length > 0);
  const hello = await client.connect();
  assert.equal(hello.protocolVersion, 1);
  assert.ok(hello.maxConcurrentStreams > 0);
  assert.ok((await client.ping()) >= 0);
});

test('INVALID_ARGUMENT names the field and carries a FieldViolation', async () => {
  const error = await rpcError(
    client.syncInvoice({ companyId: DEMO, invoice: { customerExternalId: 'c-1', currency: 'USD', txnDate: '2026-11-02' } })
  );
  assert.equal(error.code, StatusCode.INVALID_ARGUMENT);
  assert.equal(error.codeName, 'INVALID_ARGUMENT');
  assert.match(error.message, /invoice\.external_id/);
  assert.equal(error.detail(m.FieldViolation).field, 'invoice.external_id');
  assert.equal(error.detailsOf(m.FieldViolation).length, 1);
  assert.equal(error.detail(m.StreamResumePoint), undefined);
  assert.ok(error instanceof Error);
  assert.match(String(error), /^RpcError: INVALID_ARGUMENT: /);
});

test('NOT_FOUND for an unknown record and company; UNIMPLEMENTED by path', async () => {
  const missing = await rpcError(client.getRecord({ ref: { companyId: DEMO, entity: m.EntityType.ENTITY_TYPE_INVOICE, externalId: 'never-sent' } }));
  assert.equal(missing.code, StatusCode.NOT_FOUND);
  assert.match(missing.message, /never-sent/);
  assert.equal((await rpcError(client.getHealth({ companyId: 'no-such-company' }))).code, StatusCode.NOT_FOUND);
  const unknown = await rpcError(client.callUnary('/qbsync.v1.QuickBooksSync/NoSuchMethod', new Uint8Array(0)));
  assert.equal(unknown.code, StatusCode.UNIMPLEMENTED);
  // by path with types gives the decoded response
  const health = await client.callUnary('/qbsync.v1.QuickBooksSync/GetHealth', { companyId: DEMO }, {
    requestType: m.GetHealthRequest,
    responseType: m.GetHealthResponse,
  });
  assert.equal(health.companies[0].companyId, DEMO);
});

test('a NUL in a request is refused before sending, and nothing is stored', async () => {
  const externalId = unique('nul');
  const error = await rpcError(
    client.syncInvoice({ companyId: DEMO, invoice: { externalId: `${externalId}\u0000dup`, customerExternalId: 'c', currency: 'USD', txnDate: '2026-11-02' } })
  );
  assert.equal(error.code, StatusCode.INVALID_ARGUMENT);
  assert.equal(error.message, 'invoice.external_id: contains a NUL character; strings must be UTF-8 without NUL characters');
  assert.equal(error.detail(m.FieldViolation).field, 'invoice.external_id');
  const lone = await rpcError(client.getHealth({ companyId: 'x\udc00' }));
  assert.equal(lone.code, StatusCode.INVALID_ARGUMENT);
  assert.match(lone.message, /^company_id: is not valid UTF-8/);
  const lookup = await rpcError(client.getRecord({ ref: { companyId: DEMO, entity: m.EntityType.ENTITY_TYPE_INVOICE, externalId } }));
  assert.equal(lookup.code, StatusCode.NOT_FOUND);
});

test('metadata: lower-case keys pass; bad keys and values are INVALID_ARGUMENT', async () => {
  await client.getHealth({ companyId: DEMO }, { metadata: { 'request-id': 'r-1', 'x.trace_id': 'abc' } });
  await client.getHealth({ companyId: DEMO }, { metadata: [['a', 'b']] });
  for (const metadata of [{ 'Bad Key': 'v' }, { '': 'v' }, { ['k'.repeat(65)]: 'v' }, { ok: 'nul\u0000' }]) {
    const error = await rpcError(client.getHealth({ companyId: DEMO }, { metadata }));
    assert.equal(error.code, StatusCode.INVALID_ARGUMENT, JSON.stringify(metadata));
  }
  const big = await rpcError(client.getHealth({ companyId: DEMO }, { metadata: { big: 'x'.repeat(17000) } }));
  assert.equal(big.code, StatusCode.RESOURCE_EXHAUSTED);
  await client.getHealth({ companyId: DEMO });
});

test('a stream sees an invoice reach SYNCED after LinkCustomer and SyncInvoice', async () => {
  const customer = await linkedCustomer(client);
  const item = await mappedItem(client);
  const stream = client.streamSyncEvents({ companyId: DEMO, includeHealth: true });
  const first = await stream.next();
  assert.equal(m.SyncEventStreamMessage.whichKind(first.value), 'health');
  const inv = invoice(customer, item);
  const accepted = await client.syncInvoice({ companyId: DEMO, invoice: inv });
  assert.equal(accepted.record.ref.externalId, inv.externalId);
  const seen = [];
  const timer = setTimeout(() => stream.cancel(), 15000);
  for await (const message of stream) {
    assert.equal(m.SyncEventStreamMessage.whichKind(message), 'event');
    if (message.event.ref.externalId !== inv.externalId) continue;
    seen.push(message.event);
    if (message.event.toStatus === m.SyncStatus.SYNC_STATUS_SYNCED) break; // break cancels the call
  }
  clearTimeout(timer);
  assert.equal(seen.at(-1).toStatus, m.SyncStatus.SYNC_STATUS_SYNCED, 'no SYNCED event within 15 s');
  assert.ok(seen.at(-1).qboId);
  assert.equal(seen[0].fromStatus, m.SyncStatus.SYNC_STATUS_UNSPECIFIED);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].sequence > seen[i - 1].sequence);
  assert.equal(stream.ended, true);
  // resume after the first event: exactly the later ones come back, through WindowUpdates (window 2)
  const small = new Client(server.socketPath, { streamWindow: 2 });
  try {
    const resumed = small.streamSyncEvents({ companyId: DEMO, afterSequence: seen[0].sequence, entities: [m.EntityType.ENTITY_TYPE_INVOICE] });
    const replayed = [];
    for await (const message of resumed) {
      if (message.event.ref.externalId === inv.externalId) replayed.push(message.event.sequence);
      if (message.event.sequence >= seen.at(-1).sequence) break;
    }
    assert.deepEqual(replayed, seen.slice(1).map((e) => e.sequence));
  } finally {
    small.close();
  }
  const record = await client.getRecord({ ref: { companyId: DEMO, entity: m.EntityType.ENTITY_TYPE_INVOICE, externalId: inv.externalId } });
  assert.equal(record.record.status, m.SyncStatus.SYNC_STATUS_SYNCED);
});

test('cancelling a stream ends its iteration; the connection keeps serving', async () => {
  const stream = client.streamSyncEvents({ companyId: DEMO, entities: [m.EntityType.ENTITY_TYPE_BILL] });
  const pending = stream.next();
  await sleep(100);
  assert.ok(stream.streamId > 0);
  stream.cancel();
  assert.deepEqual(await pending, { value: undefined, done: true });
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
  await client.getHealth({ companyId: DEMO });

  // an AbortSignal cancels a stream too; iteration then rejects CANCELLED
  const controller = new AbortController();
  const aborted = client.streamSyncEvents({ companyId: DEMO, entities: [m.EntityType.ENTITY_TYPE_BILL] }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const error = await rpcError(aborted.next());
  assert.equal(error.code, StatusCode.CANCELLED);
  // an already-aborted signal fails a unary call before it is sent
  const early = await rpcError(client.getHealth({ companyId: DEMO }, { signal: AbortSignal.abort() }));
  assert.equal(early.code, StatusCode.CANCELLED);
  await client.getHealth({ companyId: DEMO });
});

test('deadlines: a stream with a deadline ends DEADLINE_EXCEEDED; <= 0 fails at once', async () => {
  const started = Date.now();
  const stream = client.streamSyncEvents({ companyId: DEMO, entities: [m.EntityType.ENTITY_TYPE_BILL] }, { timeout: 300 });
  const error = await rpcError(stream.toArray());
  assert.equal(error.code, StatusCode.DEADLINE_EXCEEDED);
  assert.ok(Date.now() - started >= 250, 'ended before its deadline');
  assert.ok(Date.now() - started < 3000);
  assert.equal(stream.error.code, StatusCode.DEADLINE_EXCEEDED);
  assert.equal((await rpcError(client.getHealth({}, { timeout: 0 }))).code, StatusCode.DEADLINE_EXCEEDED);
  assert.equal((await client.getHealth({}, { timeout: 5000 })).companies.length, 1);
  assert.equal((await client.getHealth({}, { timeout: null })).companies.length, 1);
});

test('many calls multiplexed on one connection', async () => {
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      i % 10 === 0
        ? rpcError(client.getHealth({ companyId: `missing-${i}` })).then((e) => e.codeName)
        : client.getHealth({ companyId: DEMO }).then((h) => h.companies[0].companyId)
    )
  );
  results.forEach((r, i) => assert.equal(r, i % 10 === 0 ? 'NOT_FOUND' : DEMO));
  assert.ok(client._conn.nextStreamId > 200, 'all calls shared one connection');
});

test('a closed client fails calls UNAVAILABLE', async () => {
  const other = new Client(server.socketPath);
  await other.getHealth({});
  other.close();
  const error = await rpcError(other.getHealth({}));
  assert.ok(error instanceof RpcError);
  assert.equal(error.code, StatusCode.UNAVAILABLE);
});

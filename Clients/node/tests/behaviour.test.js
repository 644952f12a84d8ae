'use strict';
// Client behaviour against a scripted server: what goes on the wire
// (Hello, OpenCall, Cancel, WindowUpdate, pong) and how the client reacts
// to GoAway, a lost connection and a silent server.

const test = require('node:test');
const assert = require('node:assert/strict');

const { Client, GoAwayError, StatusCode, messages: m, frames } = require('..');
const { fakeServer, rpcError, sleep } = require('./support.js');

const HEALTH = m.GetHealthResponse.encode({ version: 'fake', lastSequence: 7 });

test('Hello, OpenCall fields and metadata are what the protocol says', async () => {
  const seen = {};
  const server = await fakeServer(async (conn) => {
    seen.hello = await conn.handshake({ maxConcurrentStreams: 100 });
    const open = await conn.expect('open');
    seen.open = open;
    seen.message = await conn.expect('message');
    conn.respond(open.streamId, HEALTH);
  });
  const client = new Client(server.socketPath);
  try {
    const health = await client.getHealth({ companyId: 'demo' }, { timeout: 2500, metadata: { 'request-id': 'r-1' } });
    assert.equal(health.lastSequence, 7n);
    assert.equal(seen.hello.protocolVersion, 1);
    assert.equal(seen.hello.maxFrameSize, 4 * 1024 * 1024);
    assert.match(seen.hello.agent, /^qbsync-node-client\//);
    assert.equal(seen.open.streamId, 1);
    assert.equal(seen.open.open.method, '/qbsync.v1.QuickBooksSync/GetHealth');
    const micros = seen.open.open.timeoutMicros;
    assert.ok(micros > 2_000_000n && micros <= 2_500_000n, String(micros));
    assert.deepEqual(seen.open.open.metadata, [{ key: 'request-id', value: 'r-1' }]);
    assert.equal(seen.message.message.endOfStream, true);
    assert.equal(m.GetHealthRequest.decode(seen.message.message.payload).companyId, 'demo');
  } finally {
    client.close();
    await server.stop();
  }
});

test('a server that never answers: the local deadline fires shortly after, and Cancel is sent', async () => {
  let cancel;
  const server = await fakeServer(async (conn) => {
    await conn.handshake();
    const open = await conn.expect('open');
    cancel = await conn.expect('cancel', 5000);
    assert.equal(cancel.streamId, open.streamId);
    // ping still works on the same connection
    const ping = await conn.expect('ping');
    conn.send({ streamId: 0, pong: ping.ping });
  });
  const client = new Client(server.socketPath);
  try {
    const started = Date.now();
    const error = await rpcError(client.getHealth({}, { timeout: 200 }));
    const took = Date.now() - started;
    assert.equal(error.code, StatusCode.DEADLINE_EXCEEDED);
    assert.ok(took >= 290 && took < 1500, `gave up after ${took} ms`);
    assert.ok((await client.ping({ timeout: 2000 })) >= 0);
    assert.ok(cancel);
  } finally {
    client.close();
    await server.stop();
  }
});

test('streams grant half the window as messages are consumed', async () => {
  const updates = [];
  const server = await fakeServer(async (conn) => {
    await conn.handshake();
    const open = await conn.expect('open');
    assert.equal(open.open.initialWindow, 4);
    const id = open.streamId;
    const event = (n) => m.SyncEventStreamMessage.encode({ event: { sequence: n } });
    let sent = 0;
    let credit = 4;
    while (sent < 10) {
      while (credit > 0 && sent < 10) {
        conn.send({ streamId: id, message: { payload: event(++sent) } });
        credit--;
      }
      if (sent < 10) {
        const update = await conn.expect('windowUpdate');
        updates.push(update.windowUpdate.messages);
        credit += update.windowUpdate.messages;
      }
    }
    conn.send({ streamId: id, status: { code: 0 } });
  });
  const client = new Client(server.socketPath, { streamWindow: 4 });
  try {
    const got = (await client.streamSyncEvents({}).toArray()).map((x) => x.event.sequence);
    assert.deepEqual(got, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    assert.ok(updates.length >= 3 && updates.every((n) => n === 2), JSON.stringify(updates));
  } finally {
    client.close();
    await server.stop();
  }
});

test('the server may ping: the client answers with a pong of the same value', async () => {
  let pong;
  const server = await fakeServer(async (conn) => {
    await conn.handshake();
    conn.send({ streamId: 0, ping: { opaque: 424242n } });
    pong = await conn.expect('pong');
    const open = await conn.expect('open');
    conn.respond(open.streamId, HEALTH);
  });
  const client = new Client(server.socketPath);
  try {
    await client.getHealth({});
    await server.stop();
    assert.equal(pong.pong.opaque, 424242n);
  } finally {
    client.close();
  }
});

test('GoAway SHUTDOWN: calls above last_stream_id fail UNAVAILABLE, earlier ones finish, the next call reconnects', async () => {
  const server = await fakeServer(async (conn, index) => {
    await conn.handshake();
    if (index === 0) {
      const first = await conn.expect('open');
      const second = await conn.expect('open');
      conn.send({ streamId: 0, goaway: { lastStreamId: first.streamId, reason: frames.GoAwayReason.GO_AWAY_REASON_SHUTDOWN, code: 14, message: 'bye' } });
      await sleep(50);
      conn.respond(first.streamId, HEALTH);
      assert.ok(second.streamId > first.streamId);
      await sleep(50);
      conn.close();
    } else {
      const open = await conn.expect('open');
      assert.equal(open.streamId, 1);
      conn.respond(open.streamId, HEALTH);
    }
  });
  const client = new Client(server.socketPath);
  try {
    const [first, second] = await Promise.allSettled([client.getHealth({}), client.getHealth({})]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.reason.code, StatusCode.UNAVAILABLE);
    assert.match(second.reason.message, /not processed/);
    assert.equal((await client.getHealth({})).version, 'fake');
    assert.equal(server.connections.length, 2);
  } finally {
    client.close();
    await server.stop();
  }
});

test('a connection that breaks fails in-flight calls UNAVAILABLE; the next call reconnects', async () => {
  const server = await fakeServer(async (conn, index) => {
    await conn.handshake();
    const open = await conn.expect('open');
    if (index === 0) conn.close();
    else conn.respond(open.streamId, HEALTH);
  });
  const client = new Client(server.socketPath);
  try {
    const stream = client.streamSyncEvents({});
    const lost = await rpcError(stream.next());
    assert.equal(lost.code, StatusCode.UNAVAILABLE);
    assert.equal((await client.getHealth({})).version, 'fake');
  } finally {
    client.close();
    await server.stop();
  }
});

test('a GoAway other than SHUTDOWN ends every call with its code and message', async () => {
  const server = await fakeServer(async (conn) => {
    await conn.handshake();
    await conn.expect('open');
    conn.send({ streamId: 0, goaway: { lastStreamId: 1, reason: frames.GoAwayReason.GO_AWAY_REASON_PROTOCOL_ERROR, code: 13, message: 'you broke it' } });
  });
  const client = new Client(server.socketPath);
  try {
    const error = await rpcError(client.getHealth({}));
    assert.ok(error instanceof GoAwayError);
    assert.equal(error.code, StatusCode.INTERNAL);
    assert.equal(error.reasonName, 'PROTOCOL_ERROR');
    assert.equal(error.message, 'you broke it');
  } finally {
    client.close();
    await server.stop();
  }
});

test('a NUL is refused before anything is sent', async () => {
  const server = await fakeServer(async (conn) => {
    await conn.handshake();
    const open = await conn.expect('open');
    assert.equal(m.GetHealthRequest.decode((await conn.expect('message')).message.payload).companyId, 'clean');
    conn.respond(open.streamId, HEALTH);
  });
  const client = new Client(server.socketPath);
  try {
    const error = await rpcError(client.getHealth({ companyId: 'a\u0000b' }));
    assert.equal(error.code, StatusCode.INVALID_ARGUMENT);
    assert.equal(error.detail(m.FieldViolation).field, 'company_id');
    const path = await rpcError(client.callUnary('/qbsync.v1.QuickBooksSync/Get\u0000Health', new Uint8Array()));
    assert.equal(path.code, StatusCode.UNIMPLEMENTED);
    await client.getHealth({ companyId: 'clean' });
    await server.stop(); // the script saw exactly one call: the clean one
  } finally {
    client.close();
  }
});

test('nothing listening: UNAVAILABLE naming the socket', async () => {
  const client = new Client('/tmp/qbsync-node-no-such-dir/s.sock', { connectTimeout: 1000 });
  const error = await rpcError(client.getHealth({}));
  assert.equal(error.code, StatusCode.UNAVAILABLE);
  assert.match(error.message, /qbsync-node-no-such-dir/);
  client.close();
});

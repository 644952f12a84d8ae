'use strict';
// Servers of their own: GoAway on SIGTERM, refused handshakes.

const test = require('node:test');
const assert = require('node:assert/strict');

const { Client, GoAwayError, StatusCode, messages: m } = require('..');
const { DEMO, startServer, rpcError, linkedCustomer, mappedItem, invoice } = require('./support.js');

test('SIGTERM: an open stream ends UNAVAILABLE with a StreamResumePoint; later calls fail UNAVAILABLE', async () => {
  const server = await startServer();
  const client = new Client(server.socketPath, { timeout: 10000 });
  try {
    const customer = await linkedCustomer(client);
    const item = await mappedItem(client);
    const stream = client.streamSyncEvents({ companyId: DEMO, includeHealth: true });
    assert.equal(m.SyncEventStreamMessage.whichKind((await stream.next()).value), 'health');
    await client.syncInvoice({ companyId: DEMO, invoice: invoice(customer, item) });
    const delivered = [(await stream.next()).value.event.sequence];
    assert.ok(delivered[0] > 0n);

    server.terminate();
    const error = await rpcError(
      (async () => {
        for await (const message of stream) delivered.push(message.event.sequence);
      })()
    );
    assert.equal(error.code, StatusCode.UNAVAILABLE);
    const resume = error.detail(m.StreamResumePoint);
    assert.ok(resume, `no StreamResumePoint in ${JSON.stringify(error.details.map((d) => d.type))}`);
    assert.equal(resume.lastDeliveredSequence, delivered.at(-1));

    const exit = await server.exited;
    assert.equal(exit.code, 0);
    const after = await rpcError(client.getHealth({ companyId: DEMO }));
    assert.equal(after.code, StatusCode.UNAVAILABLE);
  } finally {
    client.close();
    await server.stop();
  }
});

test('a server that does not admit this peer refuses the handshake with PERMISSION_DENIED', async () => {
  const server = await startServer('--allow-uid', '4242');
  const client = new Client(server.socketPath);
  try {
    for (let i = 0; i < 3; i++) {
      const error = await rpcError(client.getHealth({}));
      assert.ok(error instanceof GoAwayError, String(error));
      assert.equal(error.code, StatusCode.PERMISSION_DENIED);
      assert.equal(error.reasonName, 'PERMISSION_DENIED');
      assert.match(error.message, /not allowed/);
    }
    const stream = client.streamSyncEvents({});
    assert.equal((await rpcError(stream.next())).code, StatusCode.PERMISSION_DENIED);
  } finally {
    client.close();
    await server.stop();
  }
});

test('a Hello with another protocol version gets the server VERSION_MISMATCH message', async () => {
  const server = await startServer();
  const client = new Client(server.socketPath, { _protocolVersion: 2 });
  try {
    const error = await rpcError(client.getHealth({}));
    assert.equal(error.reasonName, 'VERSION_MISMATCH');
    assert.equal(error.code, 9);
    assert.match(error.message, /protocol version 1; the client offered 2/);
  } finally {
    client.close();
    await server.stop();
  }
});

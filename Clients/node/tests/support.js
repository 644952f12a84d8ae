'use strict';
// Test support: the real server as a child process, and a scripted fake
// server speaking the frame protocol.

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const { Client, frames, messages, RpcError } = require('..');
const { encodeFrames, FrameParser } = require('../lib/connection.js');

const NODE_DIR = path.resolve(__dirname, '..');
const DEMO = 'demo';

function serverBinary() {
  return process.env.QBSYNC_BIN || path.resolve(NODE_DIR, '../../.build/debug/qbsync');
}

function unique(prefix) {
  return `${prefix}-${crypto.randomBytes(5).toString('hex')}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `qbsync serve` on a temporary socket and database. */
class ServerProcess {
  constructor(...extraArgs) {
    const binary = serverBinary();
    try {
      fs.accessSync(binary, fs.constants.X_OK);
    } catch {
      throw new Error(`no qbsync binary at ${binary}: build it (swift build --product qbsync) or set QBSYNC_BIN`);
    }
    this.directory = fs.mkdtempSync(path.join(os.tmpdir(), 'qbsync-node-'));
    this.socketPath = path.join(this.directory, 's.sock');
    this.stderr = '';
    this.process = spawn(
      binary,
      ['serve', '--socket', this.socketPath, '--database', path.join(this.directory, 'db.sqlite3'), '--log-level', 'error', ...extraArgs],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    );
    this.process.stderr.on('data', (chunk) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Waits for the banner (printed once listening). */
  async ready(timeoutMs = 30000) {
    const end = Date.now() + timeoutMs;
    while (!(this.stderr.includes('socket:') && fs.existsSync(this.socketPath))) {
      if (this.process.exitCode !== null) throw new Error(`qbsync serve exited with ${this.process.exitCode}:\n${this.stderr}`);
      if (Date.now() > end) throw new Error(`qbsync serve did not start within ${timeoutMs} ms:\n${this.stderr}`);
      await sleep(20);
    }
    return this;
  }

  terminate() {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
  }

  async stop() {
    this.terminate();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15000);
    const result = await this.exited;
    clearTimeout(timer);
    fs.rmSync(this.directory, { recursive: true, force: true });
    return result;
  }
}

async function startServer(...args) {
  const server = new ServerProcess(...args);
  try {
    return await server.ready();
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Rejects with the RpcError of `promise`; fails the test when it resolves. */
async function rpcError(promise) {
  try {
    const value = await promise;
    assert.fail(`expected an RpcError, got ${JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  } catch (error) {
    if (!(error instanceof RpcError)) throw error;
    return error;
  }
}

// ------------------------------------------------------------------ domain helpers

async function linkedCustomer(client) {
  const externalId = unique('cust');
  const response = await client.linkCustomer({
    companyId: DEMO,
    mode: messages.LinkMode.LINK_MODE_CREATE,
    customer: { externalId, givenName: 'Test', familyName: externalId, email: `${externalId}@example.com` },
  });
  assert.equal(response.outcome, messages.LinkOutcome.LINK_OUTCOME_CREATED);
  return externalId;
}

async function mappedItem(client) {
  const code = unique('ITEM');
  const response = await client.autoMap({
    companyId: DEMO,
    kind: messages.MappingKind.MAPPING_KIND_ITEM,
    entries: [{ externalCode: code, name: 'Equipment Rental' }],
  });
  assert.deepEqual(response.mapped.map((m) => m.externalCode), [code]);
  return code;
}

function invoice(customer, item, amountMinor = 25000) {
  const externalId = unique('inv');
  return {
    externalId,
    customerExternalId: customer,
    docNumber: externalId.slice(-21),
    txnDate: '2026-11-20',
    currency: 'USD',
    lines: [
      {
        kind: messages.LineKind.LINE_KIND_SALE,
        itemCode: item,
        description: 'Generator rental',
        quantity: '2',
        unitRate: (amountMinor / 200).toFixed(2),
        amountMinor,
      },
    ],
  };
}

// ------------------------------------------------------------------ a scripted server

/** The server side of one accepted connection of a FakeServer. */
class FakeConnection {
  constructor(socket) {
    this.socket = socket;
    this.received = [];
    this.waiters = [];
    this.ended = false;
    const parser = new FrameParser(64 * 1024 * 1024);
    socket.on('data', (chunk) => {
      parser.push(chunk, (frame) => {
        this.received.push(frame);
        this.wake();
      });
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
    this.cursor = 0;
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The next frame of `kind` (skipping others), or null when the connection closed. */
  async expect(kind, timeoutMs = 5000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.received.length) {
        const frame = this.received[this.cursor++];
        if (frames.Frame.whichKind(frame) === kind) return frame;
      }
      if (this.ended) return null;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no ${kind} frame within ${timeoutMs} ms; got ${this.received.map((f) => frames.Frame.whichKind(f)).join(',')}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(frame) {
    this.socket.write(encodeFrames([frame], 0xffffffff));
  }

  async handshake(hello = {}) {
    const frame = await this.expect('hello');
    this.send({ streamId: 0, hello: { protocolVersion: 1, agent: 'fake', ...hello } });
    return frame.hello;
  }

  respond(streamId, responseBytes, code = 0, message = '') {
    if (responseBytes) this.send({ streamId, message: { payload: responseBytes } });
    this.send({ streamId, status: { code, message } });
  }

  close() {
    this.socket.destroy();
  }
}

/** Accepts connections and runs `script(connection, index)` for each. */
class FakeServer {
  constructor(script) {
    this.directory = fs.mkdtempSync(path.join(os.tmpdir(), 'qbsync-fake-'));
    this.socketPath = path.join(this.directory, 'fake.sock');
    this.connections = [];
    this.errors = [];
    this.scripts = [];
    this.server = net.createServer((socket) => {
      const connection = new FakeConnection(socket);
      const index = this.connections.length;
      this.connections.push(connection);
      this.scripts.push(
        Promise.resolve()
          .then(() => script(connection, index))
          .catch((error) => this.errors.push(error))
      );
    });
  }

  listen() {
    return new Promise((resolve) => this.server.listen(this.socketPath, () => resolve(this)));
  }

  /** Waits for the scripts, closes everything, and rethrows the first script failure. */
  async stop() {
    await Promise.race([Promise.all(this.scripts), sleep(10000)]);
    for (const c of this.connections) c.close();
    await new Promise((resolve) => this.server.close(resolve));
    fs.rmSync(this.directory, { recursive: true, force: true });
    if (this.errors.length) throw this.errors[0];
  }
}

async function fakeServer(script) {
  return new FakeServer(script).listen();
}

module.exports = {
  NODE_DIR,
  DEMO,
  Client,
  ServerProcess,
  startServer,
  rpcError,
  unique,
  sleep,
  linkedCustomer,
  mappedItem,
  invoice,
  fakeServer,
};

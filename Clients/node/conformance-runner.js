#!/usr/bin/env node
'use strict';
// The Node client's conformance runner (Clients/conformance/README.md):
//
//   QBSYNC_SOCKET=/path/to/s.sock node Clients/node/conformance-runner.js CASE.json
//
// Runs one case on one client (one connection) using only the public API.
// Exits 0 when every step passed; otherwise prints the step, expected and
// actual on stderr and exits 1.

const fs = require('fs');
const readline = require('readline');
const { Client, RpcError, methods, messageType } = require('./index.js');

const SERVICE_PATH = '/qbsync.v1.QuickBooksSync/';
const DEFAULT_CALL_TIMEOUT_MS = 30000;
const DEFAULT_WITHIN_MS = 10000;

class StepFailure extends Error {}

const show = (v) => JSON.stringify(v);

// ------------------------------------------------------------------ matching

function isOperator(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));
}

function integerOf(value) {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value.trim())) return BigInt(value.trim());
  return null;
}

/** Null when `expected` matches `actual`, else a description of the first difference. */
function mismatch(expected, actual, where) {
  if (expected === null) return actual === undefined || actual === null ? null : `${where}: expected absent (default), got ${show(actual)}`;
  if (isOperator(expected)) {
    for (const [op, arg] of Object.entries(expected)) {
      let ok;
      switch (op) {
        case '$contains':
          ok = typeof actual === 'string' && actual.includes(String(arg));
          break;
        case '$present':
          ok = arg ? actual !== undefined : actual === undefined;
          break;
        case '$gt':
        case '$gte': {
          const a = integerOf(actual);
          const b = integerOf(arg);
          if (b === null) throw new StepFailure(`${where}: ${op} needs an integer, got ${show(arg)}`);
          ok = a !== null && (op === '$gt' ? a > b : a >= b);
          break;
        }
        case '$len':
          ok = Array.isArray(actual) ? actual.length === arg : actual === undefined && arg === 0;
          break;
        default:
          throw new StepFailure(`${where}: unknown operator ${op}`);
      }
      if (!ok) return `${where}: expected ${show(expected)}, got ${actual === undefined ? 'nothing (absent)' : show(actual)}`;
    }
    return null;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${where}: expected an array of ${expected.length}, got ${actual === undefined ? 'nothing (absent)' : show(actual)}`;
    if (actual.length !== expected.length) return `${where}: expected ${expected.length} elements, got ${actual.length}: ${show(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const found = mismatch(expected[i], actual[i], `${where}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${where}: expected an object, got ${actual === undefined ? 'nothing (absent)' : show(actual)}`;
    }
    for (const key of Object.keys(expected)) {
      const found = mismatch(expected[key], actual[key], where ? `${where}.${key}` : key);
      if (found) return found;
    }
    return null;
  }
  if (expected === actual) return null;
  const a = integerOf(expected);
  const b = integerOf(actual);
  if (a !== null && b !== null && a === b) return null;
  return `${where || 'value'}: expected ${show(expected)}, got ${actual === undefined ? 'nothing (absent)' : show(actual)}`;
}

// ------------------------------------------------------------------ variables

function substitute(value, vars) {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z0-9_.-]+)\}$/.exec(value);
    if (whole) {
      if (!(whole[1] in vars)) throw new StepFailure(`variable ${whole[1]} was never captured`);
      return structuredClone(vars[whole[1]]);
    }
    return value.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (_, name) => {
      if (!(name in vars)) throw new StepFailure(`variable ${name} was never captured`);
      const v = vars[name];
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, vars);
    return out;
  }
  return value;
}

function capture(spec, json, vars) {
  if (!spec) return;
  for (const [name, dotted] of Object.entries(spec)) {
    let value = json;
    for (const part of String(dotted).split('.')) {
      if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, part)) value = value[part];
      else throw new StepFailure(`capture ${name}: no ${dotted} in ${show(json)}`);
    }
    vars[name] = value;
  }
}

// ------------------------------------------------------------------ outcomes

function describeError(error) {
  return error instanceof RpcError ? `${error.codeName}: ${error.message}` : String(error && error.stack ? error.stack : error);
}

function detailJSON(detail) {
  const type = messageType(detail.type);
  if (type === undefined) return undefined;
  try {
    return type.toJSON(type.decode(detail.value));
  } catch {
    return undefined;
  }
}

/** Compares an outcome ({error} or {json}) with `expect`; throws StepFailure on a difference. */
function checkOutcome(expect, outcome) {
  expect = expect || {};
  const wanted = expect.code || 'OK';
  const error = outcome.error;
  if (error !== undefined && !(error instanceof RpcError)) throw new StepFailure(`expected ${wanted}, the client threw ${describeError(error)}`);
  const got = error === undefined ? 'OK' : error.codeName;
  if (got !== wanted) {
    throw new StepFailure(`expected code ${wanted}, got ${got}${error ? `: ${error.message}` : ''}${outcome.json ? ` ${show(outcome.json)}` : ''}`);
  }
  if (expect.response !== undefined) {
    if (error !== undefined) throw new StepFailure('expect.response given for a non-OK code');
    const found = mismatch(expect.response, outcome.json, 'response');
    if (found) throw new StepFailure(`${found}\n  whole response: ${show(outcome.json)}`);
  }
  if (expect.message_contains !== undefined) {
    const message = error === undefined ? '' : error.message;
    if (!message.includes(expect.message_contains)) {
      throw new StepFailure(`expected the status message to contain ${show(expect.message_contains)}, got ${show(message)}`);
    }
  }
  for (const [i, want] of (expect.details || []).entries()) {
    const candidates = error === undefined ? [] : error.details.filter((d) => d.type === want.type);
    const printed = candidates.map(detailJSON);
    const ok = printed.some((json) => json !== undefined && (want.value === undefined || mismatch(want.value, json, 'value') === null));
    if (!ok) {
      const all = error === undefined ? [] : error.details.map((d) => ({ type: d.type, value: detailJSON(d) }));
      throw new StepFailure(`details[${i}]: no ${want.type} detail matching ${show(want.value)}; got ${show(all)}`);
    }
  }
}

// ------------------------------------------------------------------ steps

let stdinLines = null;
function nextStdinLine() {
  if (stdinLines === null) {
    const rl = readline.createInterface({ input: process.stdin });
    const queue = [];
    const waiters = [];
    rl.on('line', (line) => (waiters.length ? waiters.shift()(line) : queue.push(line)));
    rl.on('close', () => {
      while (waiters.length) waiters.shift()(null);
      queue.push(null);
    });
    stdinLines = () => new Promise((resolve) => (queue.length ? resolve(queue.shift()) : waiters.push(resolve)));
  }
  return stdinLines();
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), ms);
  });
  return Promise.race([promise.then((r) => ({ result: r }), (e) => ({ error: e })), timeout]).finally(() => clearTimeout(timer));
}

class Runner {
  constructor(socketPath) {
    this.client = new Client(socketPath, { timeout: DEFAULT_CALL_TIMEOUT_MS });
    this.streams = new Map();
    this.vars = {};
  }

  method(name) {
    return Object.prototype.hasOwnProperty.call(methods, name) ? methods[name] : undefined;
  }

  request(method, json) {
    if (method === undefined) return new Uint8Array(0); // a method the client does not know: an empty payload
    try {
      return method.requestType.fromJSON(json || {});
    } catch (e) {
      throw new StepFailure(`request does not parse as ${method.requestType.typeName}: ${e.message}`);
    }
  }

  async run(step) {
    if (step.call !== undefined && step.open === undefined) return this.unary(step);
    if (step.open !== undefined) return this.open(step);
    if (step.read !== undefined) return this.read(step);
    if (step.end !== undefined) return this.end(step);
    if (step.cancel !== undefined) return this.stream(step.cancel).stream.cancel();
    if (step.sleep_ms !== undefined) return new Promise((resolve) => setTimeout(resolve, step.sleep_ms));
    if (step.driver !== undefined) return this.driver(step.driver);
    throw new StepFailure(`unknown step ${show(step)}`);
  }

  async unary(step) {
    const method = this.method(step.call);
    const options = { timeout: step.timeout_ms === undefined ? DEFAULT_CALL_TIMEOUT_MS : step.timeout_ms };
    if (step.metadata !== undefined) options.metadata = step.metadata;
    const request = this.request(method, step.request);
    let outcome;
    try {
      if (method === undefined) {
        await this.client.callUnary(SERVICE_PATH + step.call, request, options);
        outcome = { json: {} };
      } else if (method.serverStreaming) {
        throw new StepFailure(`${step.call} is server-streaming: use open/read/end`);
      } else {
        const response = await this.client[method.jsName](request, options);
        outcome = { json: method.responseType.toJSON(response) };
      }
    } catch (error) {
      if (error instanceof StepFailure) throw error;
      outcome = { error };
    }
    checkOutcome(step.expect, outcome);
    if (step.capture) capture(step.capture, outcome.json, this.vars);
  }

  open(step) {
    if (this.streams.has(step.open)) throw new StepFailure(`stream ${step.open} is already open`);
    const method = this.method(step.call);
    const options = {};
    if (step.timeout_ms !== undefined) options.timeout = step.timeout_ms;
    if (step.metadata !== undefined) options.metadata = step.metadata;
    const request = this.request(method, step.request);
    let stream;
    let type;
    if (method === undefined) {
      stream = this.client.callServerStreaming(SERVICE_PATH + step.call, request, options);
      type = null;
    } else if (!method.serverStreaming) {
      throw new StepFailure(`${step.call} is unary: use call`);
    } else {
      stream = this.client[method.jsName](request, options);
      type = method.responseType;
    }
    this.streams.set(step.open, { stream, type, pending: null });
  }

  stream(name) {
    const entry = this.streams.get(name);
    if (entry === undefined) throw new StepFailure(`no stream named ${name}`);
    return entry;
  }

  /** The next message, or {done} / {error}; {timedOut} when `deadline` passes first (the read stays pending). */
  async take(entry, deadline) {
    const pending = entry.pending || entry.stream.next();
    entry.pending = pending;
    const got = await withTimeout(pending, Math.max(0, deadline - Date.now()));
    if (got.timedOut) return got;
    entry.pending = null;
    if (got.error !== undefined) return { error: got.error };
    if (got.result.done) return { done: true };
    return { json: entry.type === null ? {} : entry.type.toJSON(got.result.value) };
  }

  async read(step) {
    const entry = this.stream(step.read);
    const within = step.within_ms === undefined ? DEFAULT_WITHIN_MS : step.within_ms;
    const deadline = Date.now() + within;
    const exactlyNext = step.next !== undefined;
    const pattern = exactlyNext ? step.next : step.until;
    if (pattern === undefined) throw new StepFailure('read needs until or next');
    const seen = [];
    for (;;) {
      const got = await this.take(entry, deadline);
      if (got.timedOut) throw new StepFailure(`no matching message within ${within} ms; expected ${show(pattern)}; read ${show(seen.slice(-5))}`);
      if (got.done) throw new StepFailure(`the stream ended OK before a message matched ${show(pattern)}; read ${show(seen.slice(-5))}`);
      if (got.error !== undefined) throw new StepFailure(`the stream ended ${describeError(got.error)} before a message matched ${show(pattern)}`);
      const found = mismatch(pattern, got.json, 'message');
      if (found === null) {
        capture(step.capture, got.json, this.vars);
        return;
      }
      if (exactlyNext) throw new StepFailure(`${found}\n  whole message: ${show(got.json)}`);
      seen.push(got.json);
    }
  }

  async end(step) {
    const entry = this.stream(step.end);
    const within = step.within_ms === undefined ? DEFAULT_WITHIN_MS : step.within_ms;
    const deadline = Date.now() + within;
    for (;;) {
      const got = await this.take(entry, deadline);
      if (got.timedOut) throw new StepFailure(`the stream is still open after ${within} ms`);
      if (got.done) return checkOutcome(step.expect, {});
      if (got.error !== undefined) return checkOutcome(step.expect, { error: got.error });
    }
  }

  async driver(action) {
    process.stdout.write(`driver: ${action}\n`);
    for (;;) {
      const line = await nextStdinLine();
      if (line === null) throw new StepFailure(`stdin closed before the driver answered ${action}`);
      if (line.trim() === 'ok') return;
    }
  }
}

async function main() {
  const casePath = process.argv[2];
  if (!casePath) {
    process.stderr.write('usage: QBSYNC_SOCKET=PATH conformance-runner.js CASE.json\n');
    return 2;
  }
  const socketPath = process.env.QBSYNC_SOCKET;
  if (!socketPath) {
    process.stderr.write('conformance-runner: QBSYNC_SOCKET is not set\n');
    return 2;
  }
  const spec = JSON.parse(fs.readFileSync(casePath, 'utf8'));
  const runner = new Runner(socketPath);
  try {
    for (const [index, raw] of spec.steps.entries()) {
      try {
        await runner.run(substitute(raw, runner.vars));
      } catch (error) {
        const what = error instanceof StepFailure ? error.message : `unexpected error: ${describeError(error)}`;
        process.stderr.write(`${spec.name}: step ${index} failed: ${show(raw)}\n  ${what}\n`);
        return 1;
      }
    }
  } finally {
    runner.client.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`conformance-runner: ${describeError(error)}\n`);
    process.exit(1);
  }
);

'use strict';
// BaseClient: one connection, calls by path, deadlines, cancellation,
// request checks. The generated QuickBooksSyncClient (generated/qbsync/v1/
// service.js) extends it with one method per RPC.

const { Connection, NotSent, DEFAULT_MAX_FRAME_SIZE } = require('./connection.js');
const { RpcError, StatusCode } = require('./status.js');
const { stringProblem } = require('./protobuf.js');
const { FieldViolation } = require('../generated/qbsync/v1/records.js');

const { UnaryCall, now } = require('./call.js');
const { ResponseStream, StreamCall } = require('./stream.js');

const AGENT = 'qbsync-node-client/0.1.0';
const DEFAULT_WINDOW = 64;
const METADATA_KEY = /^[a-z0-9._-]{1,64}$/;
const METADATA_CALL_LIMIT = 16 * 1024;
const STRING_RULE = 'strings must be UTF-8 without NUL characters';
const EMPTY = Buffer.alloc(0);

// ------------------------------------------------------------------ request checks

/** The refusal of a request with a NUL or invalid UTF-8, named as the server would. */
function invalidStringError(field, problem) {
  const description = `${problem}; ${STRING_RULE}`;
  return new RpcError(StatusCode.INVALID_ARGUMENT, `${field}: ${description}`, [
    { type: FieldViolation.typeName, value: FieldViolation.encode({ field, description }) },
  ]);
}

function shown(text) {
  return JSON.stringify(text);
}

/** Metadata as OpenCall entries, refused (with the server's codes) when the server would refuse it. */
function metadataEntries(metadata) {
  if (metadata == null) return [];
  let pairs;
  if (metadata instanceof Map || Array.isArray(metadata)) pairs = [...metadata];
  else if (typeof metadata === 'object') pairs = Object.entries(metadata);
  else throw new TypeError('metadata must be an object, a Map or an array of [key, value] pairs');
  const entries = [];
  let bytes = 0;
  for (const pair of pairs) {
    const [key, raw] = pair;
    if (typeof key !== 'string' || !METADATA_KEY.test(key)) {
      throw new RpcError(
        StatusCode.INVALID_ARGUMENT,
        `metadata key ${shown(String(key))} must be 1-64 lower-case letters, digits, "-", "_" or "."`
      );
    }
    if (raw == null) throw new RpcError(StatusCode.INVALID_ARGUMENT, `metadata ${shown(key)} has no value`);
    const value = typeof raw === 'string' ? raw : String(raw);
    const problem = stringProblem(value);
    if (problem !== null) {
      throw new RpcError(StatusCode.INVALID_ARGUMENT, `metadata ${shown(key)} ${problem}; metadata must be UTF-8 without NUL characters`);
    }
    bytes += key.length + Buffer.byteLength(value, 'utf8');
    entries.push({ key, value });
  }
  if (bytes > METADATA_CALL_LIMIT) {
    throw new RpcError(
      StatusCode.RESOURCE_EXHAUSTED,
      `metadata of ${bytes} bytes exceeds the limit of ${METADATA_CALL_LIMIT} bytes per call`
    );
  }
  return entries;
}

/**
 * Checks and encodes one call's request. Throws RpcError for what the
 * server would refuse (with the code it would give) and TypeError for values
 * that are not of the field's type.
 */
function prepareCall(path, requestType, request, options, defaultTimeout) {
  if (typeof path !== 'string' || stringProblem(path) !== null || path === '') {
    throw new RpcError(StatusCode.UNIMPLEMENTED, `the method path ${shown(String(path))} is not a valid method path; no such method`);
  }
  let payload;
  if (request instanceof Uint8Array) {
    payload = request; // already encoded: sent as is
  } else if (requestType == null) {
    if (request == null) payload = EMPTY;
    else throw new TypeError(`${path}: pass the request as encoded bytes, or give options.requestType`);
  } else {
    const message = request == null ? {} : request;
    if (typeof message !== 'object') throw new TypeError(`${path}: the request must be a ${requestType.typeName} object`);
    const invalid = requestType.$check(message, '');
    if (invalid !== null) throw invalidStringError(invalid[0], invalid[1]);
    payload = requestType.encode(message);
  }
  const metadata = metadataEntries(options.metadata);
  let timeout = options.timeout === undefined ? defaultTimeout : options.timeout;
  let deadline = null;
  if (timeout != null && timeout !== Infinity) {
    if (typeof timeout !== 'number' || !(timeout > 0)) {
      throw new RpcError(StatusCode.DEADLINE_EXCEEDED, `${path}: deadline exceeded before the call started (timeout ${timeout} ms)`);
    }
    deadline = now() + timeout;
  }
  return { path, payload, metadata, deadline, signal: options.signal || null };
}

// ------------------------------------------------------------------ the client

class BaseClient {
  /**
   * A client of the qbsync service on a Unix socket. Nothing connects until
   * the first call (or connect()); one connection carries every call.
   *
   * @param {string} socketPath
   * @param {object} [options]
   * @param {number|null} [options.timeout=30000] Default deadline of unary calls, ms; null for none.
   * @param {number|null} [options.streamTimeout=null] Default deadline of streaming calls, ms; null for none.
   * @param {number} [options.connectTimeout=5000] Connecting plus the Hello exchange, ms.
   * @param {number} [options.maxFrameSize=4194304] Largest frame body accepted from the server.
   * @param {number} [options.streamWindow=64] Response messages the server may send ahead on a stream.
   * @param {string} [options.agent] Sent in the Hello, for the server's logs.
   */
  constructor(socketPath, options = {}) {
    if (typeof socketPath !== 'string' || socketPath === '') throw new TypeError('socketPath must be a non-empty string');
    const window = options.streamWindow === undefined ? DEFAULT_WINDOW : options.streamWindow;
    if (!Number.isInteger(window) || window < 1 || window > 0xffffffff) throw new RangeError('streamWindow must be an integer from 1 to 2**32-1');
    const maxFrameSize = options.maxFrameSize === undefined ? DEFAULT_MAX_FRAME_SIZE : options.maxFrameSize;
    if (!Number.isInteger(maxFrameSize) || maxFrameSize < 4096 || maxFrameSize > 0xffffffff) {
      throw new RangeError('maxFrameSize must be an integer from 4096 to 2**32-1');
    }
    this.socketPath = socketPath;
    this.timeout = options.timeout === undefined ? 30000 : options.timeout;
    this.streamTimeout = options.streamTimeout === undefined ? null : options.streamTimeout;
    this.connectTimeout = options.connectTimeout === undefined ? 5000 : options.connectTimeout;
    this.maxFrameSize = maxFrameSize;
    this.streamWindow = window;
    this.agent = options.agent || AGENT;
    this._protocolVersion = options._protocolVersion; // tests only
    this._conn = null;
    this._connecting = null;
    this._closed = false;
  }

  /** Connects now if not connected; resolves with the server's Hello. Rejects with GoAwayError when refused. */
  async connect() {
    return (await this._connection()).serverHello;
  }

  _connection() {
    if (this._closed) return Promise.reject(new RpcError(StatusCode.UNAVAILABLE, 'the client is closed'));
    const current = this._conn;
    if (current !== null && current.usable) return Promise.resolve(current);
    if (this._connecting === null) {
      this._connecting = this._handshake(0).then(
        (conn) => {
          this._connecting = null;
          if (this._closed) {
            conn.close(new RpcError(StatusCode.CANCELLED, 'the client was closed'));
            throw new RpcError(StatusCode.UNAVAILABLE, 'the client is closed');
          }
          this._conn = conn;
          return conn;
        },
        (error) => {
          this._connecting = null;
          throw error;
        }
      );
    }
    return this._connecting;
  }

  _handshake(attempt) {
    const conn = new Connection(this.socketPath, {
      maxFrameSize: this.maxFrameSize,
      connectTimeout: this.connectTimeout,
      agent: this.agent,
      protocolVersion: this._protocolVersion,
      listenFirstMs: attempt === 0 ? 0 : 250,
    });
    return conn.ready.then(
      () => conn,
      (error) => {
        if (error.retryListening && attempt === 0 && !this._closed) return this._handshake(1);
        throw error;
      }
    );
  }

  /** Opens `call` on a usable connection; one retry on a fresh connection when it was not sent. */
  _start(call, prepared, window) {
    if (!call.arm(prepared)) return;
    const current = this._conn;
    if (current !== null && current.usable && !this._closed) this._open(current, call, prepared, window, 0);
    else this._connection().then((conn) => this._open(conn, call, prepared, window, 0), (error) => call.finish(error));
  }

  _open(conn, call, prepared, window, attempt) {
    if (call.done) return;
    let micros = 0n;
    if (prepared.deadline !== null) {
      const left = prepared.deadline - now();
      if (left <= 0) {
        call.finish(new RpcError(StatusCode.DEADLINE_EXCEEDED, `${prepared.path}: deadline exceeded before the call was sent`));
        return;
      }
      micros = BigInt(Math.ceil(left * 1000));
    }
    try {
      conn.open(call, prepared.path, prepared.payload, micros, prepared.metadata, window);
    } catch (error) {
      if (error instanceof NotSent && attempt === 0) {
        // Nothing reached the server: one retry on a fresh connection is safe.
        this._connection().then((next) => this._open(next, call, prepared, window, 1), (e) => call.finish(e));
      } else {
        call.finish(error instanceof NotSent ? new RpcError(error.code, error.message) : error);
      }
    }
  }

  /** Used by the generated unary methods. */
  unaryCall(method, request, options) {
    return this.callUnary(method.path, request, { ...options, requestType: method.requestType, responseType: method.responseType });
  }

  /** Used by the generated server-streaming methods. */
  serverStreamingCall(method, request, options) {
    return this.callServerStreaming(method.path, request, { ...options, requestType: method.requestType, responseType: method.responseType });
  }

  /**
   * Calls any unary method by path. `request` is a message (with
   * options.requestType) or its encoded bytes; without options.responseType
   * the response comes back as encoded bytes.
   */
  callUnary(path, request, options = {}) {
    return new Promise((resolve, reject) => {
      let prepared;
      try {
        prepared = prepareCall(path, options.requestType, request, options, this.timeout);
      } catch (error) {
        reject(error);
        return;
      }
      this._start(new UnaryCall(path, options.responseType, resolve, reject), prepared, 1);
    });
  }

  /** Opens any server-streaming method by path; see callUnary for the arguments. */
  callServerStreaming(path, request, options = {}) {
    const call = new StreamCall(path, options.responseType, this.streamWindow);
    const stream = new ResponseStream(call);
    let prepared;
    try {
      prepared = prepareCall(path, options.requestType, request, options, this.streamTimeout);
    } catch (error) {
      call.finish(error);
      return stream;
    }
    this._start(call, prepared, this.streamWindow);
    return stream;
  }

  /** Sends a ping; resolves with the round trip in milliseconds. */
  async ping(options = {}) {
    const timeout = options.timeout === undefined ? this.timeout : options.timeout;
    for (let attempt = 0; ; attempt++) {
      const conn = await this._connection();
      try {
        return await conn.ping(timeout);
      } catch (error) {
        if (!(error instanceof NotSent) || attempt > 0) throw error instanceof NotSent ? new RpcError(error.code, error.message) : error;
      }
    }
  }

  /** Closes the connection: open calls end CANCELLED, later calls fail UNAVAILABLE. */
  close() {
    this._closed = true;
    const conn = this._conn;
    this._conn = null;
    if (conn !== null) conn.close(new RpcError(StatusCode.CANCELLED, 'the client was closed'));
  }
}

module.exports = { BaseClient, prepareCall, metadataEntries, invalidStringError, AGENT };

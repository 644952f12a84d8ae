'use strict';
// One socket to the server, shared by every call of a client
// (docs/protocol.md §1-5): framing, the Hello exchange, stream ids,
// demultiplexing, cancel, credit, ping and GoAway.
//
// Node runs this on one thread, so ids are taken and frames written in
// order without locks. Frames written in one tick go out in one write
// (socket.cork until the next tick).

const net = require('net');
const { Writer } = require('./protobuf.js');
const { Frame, GoAwayReason } = require('../generated/qbsync/rpc/v1/frame.js');
const { RpcError, GoAwayError, StatusCode } = require('./status.js');

const PROTOCOL_VERSION = 1;
const DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024;
const MAX_STREAM_ID = 0xffffffff;

/** The call never left the client (the connection was already unusable): safe to retry. */
class NotSent extends RpcError {}

/** Length-prefixed frames in one buffer; throws RESOURCE_EXHAUSTED when one is over `limit`. */
function encodeFrames(frames, limit) {
  const w = new Writer(256);
  for (const frame of frames) {
    w.ensure(4);
    const start = w.pos;
    w.pos += 4;
    Frame.$encode(frame, w);
    const length = w.pos - start - 4;
    if (length > limit) {
      throw new RpcError(
        StatusCode.RESOURCE_EXHAUSTED,
        `request not sent: a frame of ${length} bytes exceeds the server's limit of ${limit} bytes`
      );
    }
    w.buf.writeUInt32BE(length, start);
  }
  return w.finish();
}

/** The error a GoAway stands for, carrying the server's message. */
function goAwayError(goaway) {
  const full = GoAwayReason[goaway.reason];
  const name = typeof full === 'string' ? full.replace(/^GO_AWAY_REASON_/, '') : `REASON_${goaway.reason}`;
  return new GoAwayError(
    goaway.code || StatusCode.UNAVAILABLE,
    goaway.message || `the server closed the connection (${name})`,
    goaway.reason,
    name,
    goaway.lastStreamId
  );
}

/**
 * Splits the inbound byte stream into frames. The length prefix is checked
 * against the limit before the body is buffered.
 */
class FrameParser {
  constructor(limit) {
    this.limit = limit;
    this.chunks = [];
    this.buffered = 0;
    this.needed = 4; // bytes needed before the next step can run
  }

  /** Feeds a chunk; calls onFrame(frame) for each whole frame. Throws on a framing error. */
  push(chunk, onFrame) {
    let buf;
    if (this.buffered === 0) {
      buf = chunk;
    } else {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered < this.needed) return;
      buf = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
    }
    let pos = 0;
    for (;;) {
      const available = buf.length - pos;
      if (available < 4) {
        this.needed = 4;
        break;
      }
      const length = buf.readUInt32BE(pos);
      if (length > this.limit) throw new Error(`the server announced a frame of ${length} bytes, over the limit of ${this.limit}`);
      if (length === 0) throw new Error('the server sent an empty frame');
      if (available - 4 < length) {
        this.needed = 4 + length;
        break;
      }
      const frame = Frame.decode(buf.subarray(pos + 4, pos + 4 + length));
      pos += 4 + length;
      if (Frame.whichKind(frame) === undefined) throw new Error('the server sent a frame with no kind');
      onFrame(frame);
    }
    if (pos < buf.length) {
      this.chunks = [buf.subarray(pos)];
      this.buffered = buf.length - pos;
    }
  }
}

class Connection {
  /**
   * Connects and sends the Hello; `ready` settles when the server's Hello
   * (or its GoAway) arrives.
   */
  constructor(socketPath, { maxFrameSize = DEFAULT_MAX_FRAME_SIZE, connectTimeout = 5000, agent = '', protocolVersion = PROTOCOL_VERSION, listenFirstMs = 0 } = {}) {
    this.socketPath = socketPath;
    this.calls = new Map();
    this.pings = new Map();
    this.nextPing = 1;
    this.nextStreamId = 1;
    this.refusal = null; // an RpcError once no new call may start here
    this.closed = false;
    this.serverHello = null;
    this.sendLimit = DEFAULT_MAX_FRAME_SIZE;
    this.parser = new FrameParser(maxFrameSize);
    this.corked = false;
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {}); // observed by the client; never an unhandled rejection here
    this.handshakeTimer = setTimeout(() => {
      this.fail(new RpcError(StatusCode.UNAVAILABLE, `no Hello from ${socketPath} within ${connectTimeout} ms`));
    }, connectTimeout);
    const hello = encodeFrames(
      [{ streamId: 0, hello: { protocolVersion, maxFrameSize, maxConcurrentStreams: 0, agent } }],
      DEFAULT_MAX_FRAME_SIZE
    );
    const socket = net.createConnection({ path: socketPath });
    this.socket = socket;
    this.framesSeen = 0;
    socket.on('connect', () => {
      if (listenFirstMs > 0) {
        // Retrying after the Hello could not be written: a server that refuses
        // peers sends its GoAway at once, so give it the chance to be read.
        setTimeout(() => {
          if (!this.closed && this.serverHello === null) socket.write(hello);
        }, listenFirstMs);
      } else if (!this.closed) socket.write(hello);
    });
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (error) => this.onSocketGone(error));
    socket.on('close', () => this.onSocketGone(null));
  }

  /** False once the connection refuses new calls; the client then opens another. */
  get usable() {
    return this.refusal === null && !this.closed;
  }

  // ---------------------------------------------------------------- writing

  write(bytes) {
    if (this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  send(frame) {
    this.write(encodeFrames([frame], this.sendLimit));
  }

  // ---------------------------------------------------------------- calls

  /**
   * Opens a call and sends its request (open + message in one write).
   * `call` gets call.id and later onMessage(payload) / finish(error|null).
   * Throws NotSent when the connection no longer takes calls, RpcError
   * RESOURCE_EXHAUSTED when the request exceeds the server's frame limit.
   */
  open(call, path, payload, timeoutMicros, metadata, window) {
    if (this.refusal !== null || this.closed) {
      const why = this.refusal || new RpcError(StatusCode.UNAVAILABLE, 'the connection is closed');
      throw new NotSent(why.code, why.message);
    }
    const id = this.nextStreamId;
    if (id >= MAX_STREAM_ID) {
      this.refusal = new RpcError(StatusCode.UNAVAILABLE, 'stream ids exhausted on this connection');
      throw new NotSent(this.refusal.code, this.refusal.message);
    }
    const bytes = encodeFrames(
      [
        { streamId: id, open: { method: path, timeoutMicros, metadata, initialWindow: window } },
        { streamId: id, message: { payload, endOfStream: true } },
      ],
      this.sendLimit
    );
    this.nextStreamId = id + 1;
    call.id = id;
    call.conn = this;
    this.calls.set(id, call);
    if (this.calls.size === 1) this.socket.ref();
    this.write(bytes);
  }

  /** Forgets a call and tells the server to stop it; false when it had already ended. */
  cancel(call, reason) {
    if (this.calls.get(call.id) !== call) return false;
    this.forget(call.id);
    this.send({ streamId: call.id, cancel: { reason } });
    return true;
  }

  /** Lets the server send `messages` more responses on a stream. */
  grant(call, messages) {
    if (this.calls.get(call.id) === call) this.send({ streamId: call.id, windowUpdate: { messages } });
  }

  forget(id) {
    this.calls.delete(id);
    this.maybeIdle();
  }

  maybeIdle() {
    if (this.calls.size === 0 && this.pings.size === 0) {
      if (this.serverHello !== null) this.socket.unref();
      // A draining connection (after GoAway SHUTDOWN) has nothing left to wait for.
      if (this.refusal !== null && !this.closed) this.socket.end();
    }
  }

  /** Sends a ping; resolves with the round trip in milliseconds. */
  ping(timeoutMs) {
    if (!this.usable) {
      const why = this.refusal || new RpcError(StatusCode.UNAVAILABLE, 'the connection is closed');
      return Promise.reject(new NotSent(why.code, why.message));
    }
    return new Promise((resolve, reject) => {
      const opaque = this.nextPing++;
      const started = performance.now();
      const entry = { resolve, reject, started, timer: null };
      if (timeoutMs != null && Number.isFinite(timeoutMs)) {
        entry.timer = setTimeout(() => {
          this.pings.delete(opaque);
          this.maybeIdle();
          reject(new RpcError(StatusCode.DEADLINE_EXCEEDED, `no pong within ${timeoutMs} ms`));
        }, Math.max(0, timeoutMs));
      }
      this.pings.set(opaque, entry);
      this.socket.ref();
      this.send({ streamId: 0, ping: { opaque: BigInt(opaque) } });
    });
  }

  // ---------------------------------------------------------------- reading

  onData(chunk) {
    try {
      this.parser.push(chunk, (frame) => {
        if (!this.closed) this.onFrame(frame);
      });
    } catch (error) {
      if (error instanceof RpcError) this.fail(error);
      else this.fail(new RpcError(StatusCode.INTERNAL, `the server broke the protocol: ${error.message}`));
    }
  }

  onFrame(frame) {
    this.framesSeen++;
    if (this.serverHello === null) return this.onHandshakeFrame(frame);
    const id = frame.streamId;
    if (frame.message !== undefined) {
      const call = this.calls.get(id);
      if (call !== undefined) call.onMessage(frame.message.payload);
    } else if (frame.status !== undefined) {
      const call = this.calls.get(id);
      if (call !== undefined) {
        this.forget(id);
        const status = frame.status;
        call.finish(status.code === 0 ? null : RpcError.fromStatus(status));
      }
    } else if (frame.ping !== undefined) {
      this.send({ streamId: 0, pong: frame.ping });
    } else if (frame.pong !== undefined) {
      const opaque = Number(frame.pong.opaque);
      const entry = this.pings.get(opaque);
      if (entry !== undefined) {
        this.pings.delete(opaque);
        clearTimeout(entry.timer);
        this.maybeIdle();
        entry.resolve(performance.now() - entry.started);
      }
    } else if (frame.goaway !== undefined) {
      this.onGoAway(frame.goaway);
    } else {
      this.fail(new RpcError(StatusCode.INTERNAL, `the server sent a ${Frame.whichKind(frame)} frame on stream ${id}, which it never sends`));
    }
  }

  onHandshakeFrame(frame) {
    if (frame.goaway !== undefined) return this.fail(goAwayError(frame.goaway));
    if (frame.ping !== undefined) return this.send({ streamId: 0, pong: frame.ping });
    if (frame.hello === undefined || frame.streamId !== 0) {
      return this.fail(
        new RpcError(StatusCode.INTERNAL, `the server answered the Hello with a ${Frame.whichKind(frame)} frame on stream ${frame.streamId}`)
      );
    }
    if (frame.hello.protocolVersion !== PROTOCOL_VERSION) {
      return this.fail(
        new RpcError(
          StatusCode.FAILED_PRECONDITION,
          `the server speaks protocol version ${frame.hello.protocolVersion}; this client speaks ${PROTOCOL_VERSION}`
        )
      );
    }
    clearTimeout(this.handshakeTimer);
    this.serverHello = frame.hello;
    this.sendLimit = frame.hello.maxFrameSize || DEFAULT_MAX_FRAME_SIZE;
    this.maybeIdle();
    this.readyResolve(this);
  }

  onGoAway(goaway) {
    const error = goAwayError(goaway);
    if (goaway.reason !== GoAwayReason.GO_AWAY_REASON_SHUTDOWN) return this.fail(error);
    // Graceful: calls up to last_stream_id finish here; later ones were never
    // processed, so they fail UNAVAILABLE and may be retried elsewhere.
    if (this.refusal === null) {
      this.refusal = new RpcError(StatusCode.UNAVAILABLE, `the server is shutting down: ${goaway.message}`);
    }
    const last = goaway.lastStreamId;
    for (const [id, call] of [...this.calls]) {
      if (id > last) {
        this.calls.delete(id);
        call.finish(
          new RpcError(
            StatusCode.UNAVAILABLE,
            `not processed: the server is shutting down (stream ${id} > last accepted ${last}); safe to retry`
          )
        );
      }
    }
    this.maybeIdle();
  }

  onSocketGone(error) {
    if (this.closed) return;
    let failure;
    if (this.serverHello === null) {
      failure = error
        ? new RpcError(StatusCode.UNAVAILABLE, `cannot connect to ${this.socketPath}: ${error.message}`)
        : new RpcError(StatusCode.UNAVAILABLE, `the server at ${this.socketPath} closed the connection during the handshake`);
      // The server closed before the Hello was written (EPIPE): whatever it
      // sent first (a GoAway) was lost with the socket. Worth one retry that
      // reads before writing.
      if (error && (error.code === 'EPIPE' || error.code === 'ECONNRESET') && this.framesSeen === 0) failure.retryListening = true;
    } else {
      failure = new RpcError(StatusCode.UNAVAILABLE, `connection to the server was lost${error ? `: ${error.message}` : ''}`);
    }
    this.fail(failure);
  }

  /** Ends every call and ping with `error`, refuses new calls and closes the socket. */
  fail(error, graceful = false) {
    if (this.closed) return;
    this.closed = true;
    if (this.refusal === null) this.refusal = error;
    clearTimeout(this.handshakeTimer);
    if (this.serverHello === null) this.readyReject(error);
    const calls = [...this.calls.values()];
    this.calls.clear();
    const pings = [...this.pings.values()];
    this.pings.clear();
    for (const call of calls) call.finish(error);
    for (const entry of pings) {
      clearTimeout(entry.timer);
      entry.reject(new RpcError(error.code, `no pong: ${error.message}`));
    }
    if (graceful) {
      this.socket.end();
      this.socket.unref();
    } else {
      this.socket.destroy();
    }
  }

  /** Closes the connection; open calls end with `error`. Queued frames (cancels) are still sent. */
  close(error) {
    this.fail(error, true);
  }
}

module.exports = { Connection, NotSent, encodeFrames, goAwayError, FrameParser, PROTOCOL_VERSION, DEFAULT_MAX_FRAME_SIZE };

'use strict';
// Server-streaming calls as async iterators, with flow-control credit.

const { CallBase } = require('./call.js');
const { RpcError, StatusCode } = require('./status.js');

/**
 * The connection-side state of one stream: queued payloads, waiting
 * readers, credit. Kept apart from the ResponseStream the caller holds, so
 * a stream the caller drops (without cancel) can be cancelled when collected.
 */
class StreamCall extends CallBase {
  constructor(path, responseType, window) {
    super(path);
    this.responseType = responseType;
    this.grantEvery = Math.max(1, window >>> 1);
    this.consumed = 0;
    this.queue = [];
    this.waiters = [];
    this.error = null; // how the call ended, once done (null: OK)
    this.errorReported = false;
    this.cancelled = false; // by the caller: iteration just ends
  }

  onMessage(payload) {
    if (this.done) return;
    if (this.waiters.length !== 0) this.deliver(payload, this.waiters.shift());
    else this.queue.push(payload);
  }

  finish(error) {
    if (this.done) return false;
    this.done = true;
    this.disarm();
    this.error = error;
    if (this.queue.length === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const waiter of waiters) this.settleEnd(waiter);
    }
    return true;
  }

  deliver(payload, waiter) {
    let message;
    try {
      message = this.responseType == null ? payload : this.responseType.decode(payload);
    } catch (e) {
      const error = new RpcError(StatusCode.INTERNAL, `${this.path}: undecodable response: ${e.message}`);
      this.queue = [];
      this.cancelWith(error, 'undecodable response');
      this.settleEnd(waiter);
      return;
    }
    // Credit: grant half the window at a time, as messages are consumed.
    if (++this.consumed >= this.grantEvery) {
      if (!this.done && this.conn !== null) this.conn.grant(this, this.consumed);
      this.consumed = 0;
    }
    waiter.resolve({ value: message, done: false });
  }

  settleEnd(waiter) {
    if (this.error !== null && !this.errorReported && !this.cancelled) {
      this.errorReported = true;
      waiter.reject(this.error);
    } else {
      waiter.resolve({ value: undefined, done: true });
    }
  }

  next() {
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.queue.length !== 0) this.deliver(this.queue.shift(), waiter);
      else if (this.done) this.settleEnd(waiter);
      else this.waiters.push(waiter);
    });
  }

  cancel(reason) {
    this.cancelled = true;
    this.queue = [];
    this.cancelWith(new RpcError(StatusCode.CANCELLED, `${this.path}: call cancelled by the caller`), reason);
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve({ value: undefined, done: true });
  }
}

// A stream dropped while its call is open is cancelled when collected.
const dropped = new FinalizationRegistry((call) => {
  if (!call.done) call.cancel('the caller dropped the stream');
});

/**
 * The responses of one server-streaming call, as an async iterator. The call
 * starts when the stream is created. Iteration ends when the server ends the
 * call OK and throws RpcError when it ends otherwise; `break` out of a
 * `for await` loop, or cancel(), cancels the call.
 */
class ResponseStream {
  constructor(call) {
    this._call = call;
    dropped.register(this, call, this);
  }

  /** The call's stream id on its connection (0 until it is sent). */
  get streamId() {
    return this._call.id;
  }

  /** True once the call has ended (by the server, a deadline or cancel()). */
  get ended() {
    return this._call.done;
  }

  /** How the call ended: null while open or after an OK end, else the RpcError. */
  get error() {
    return this._call.error;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** The next response: {value, done: false}, or {done: true} at the end; rejects with RpcError. */
  next() {
    return this._call.next();
  }

  /** Called by `break` in `for await`: cancels the call if it is still open. */
  return() {
    this.cancel('the caller stopped iterating');
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error) {
    this.cancel('the caller stopped iterating');
    return Promise.reject(error);
  }

  /** Cancels the call (Cancel to the server); pending and later next() calls end the iteration. */
  cancel(reason = 'cancelled by the caller') {
    dropped.unregister(this);
    if (!this._call.done || this._call.queue.length !== 0 || this._call.waiters.length !== 0) this._call.cancel(reason);
    else this._call.cancelled = true;
  }

  /** Reads every remaining response into an array (for short, finite streams like BulkSync). */
  async toArray() {
    const out = [];
    for await (const message of this) out.push(message);
    return out;
  }
}

module.exports = { ResponseStream, StreamCall };

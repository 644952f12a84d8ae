'use strict';
// The client side of one call: what the connection delivers (onMessage,
// finish) and what the caller set up (deadline timer, AbortSignal).

const { RpcError, StatusCode } = require('./status.js');

/**
 * How much longer than the deadline the client waits for the server's own
 * DEADLINE_EXCEEDED before giving up locally (and sending Cancel): the
 * server's answer carries its message, so it wins whenever the server is alive.
 */
const LOCAL_DEADLINE_GRACE_MS = 100;

const now = () => performance.now();

/** Shared by unary calls and streams: deadline timer, AbortSignal, opening. */
class CallBase {
  constructor(path) {
    this.path = path;
    this.id = 0;
    this.conn = null;
    this.done = false;
    this.timer = null;
    this.signal = null;
    this.onAbort = null;
  }

  /** Arms the local deadline and the AbortSignal; false when the call already ended. */
  arm(prepared) {
    if (prepared.signal !== null) {
      const signal = prepared.signal;
      if (signal.aborted) {
        this.finish(this.abortError(signal));
        return false;
      }
      this.signal = signal;
      this.onAbort = () => this.cancelWith(this.abortError(signal), 'cancelled by the caller');
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (prepared.deadline !== null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.cancelWith(
          new RpcError(StatusCode.DEADLINE_EXCEEDED, `${this.path}: deadline exceeded (no answer from the server)`),
          'deadline exceeded'
        );
      }, Math.max(0, prepared.deadline - now()) + LOCAL_DEADLINE_GRACE_MS);
    }
    return true;
  }

  abortError(signal) {
    const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
    return new RpcError(StatusCode.CANCELLED, `${this.path}: call cancelled by the caller${reason}`);
  }

  /** Ends the call locally with `error`, telling the server to stop it if it is open. */
  cancelWith(error, reason) {
    if (this.done) return;
    if (this.conn !== null) this.conn.cancel(this, reason);
    this.finish(error);
  }

  disarm() {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.signal !== null) {
      this.signal.removeEventListener('abort', this.onAbort);
      this.signal = null;
    }
  }
}

class UnaryCall extends CallBase {
  constructor(path, responseType, resolve, reject) {
    super(path);
    this.responseType = responseType;
    this.resolve = resolve;
    this.reject = reject;
    this.payload = null;
    this.count = 0;
  }

  onMessage(payload) {
    if (this.count++ === 0) this.payload = payload;
  }

  /** Records the outcome (null = OK); false when the call had already ended. */
  finish(error) {
    if (this.done) return false;
    this.done = true;
    this.disarm();
    if (error !== null) {
      this.reject(error);
    } else if (this.count !== 1) {
      this.reject(
        new RpcError(StatusCode.INTERNAL, `${this.path}: the server ended a unary call OK with ${this.count} response messages instead of 1`)
      );
    } else if (this.responseType == null) {
      this.resolve(this.payload);
    } else {
      let response;
      try {
        response = this.responseType.decode(this.payload);
      } catch (e) {
        this.reject(new RpcError(StatusCode.INTERNAL, `${this.path}: undecodable response: ${e.message}`));
        return true;
      }
      this.resolve(response);
    }
    return true;
  }
}

module.exports = { CallBase, UnaryCall, LOCAL_DEADLINE_GRACE_MS, now };

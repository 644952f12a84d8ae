'use strict';
// Status codes and the errors every failed call rejects with.

/** gRPC canonical status codes, as carried by Status.code (both name -> number and number -> name). */
const StatusCode = Object.freeze(
  (() => {
    const names = [
      'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
      'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
      'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
    ];
    const codes = {};
    names.forEach((name, i) => {
      codes[name] = i;
      codes[i] = name;
    });
    return codes;
  })()
);

/** The name of a status code ("NOT_FOUND"), or "CODE_<n>" for a code this client does not know. */
function codeName(code) {
  const name = StatusCode[code];
  return typeof name === 'string' ? name : `CODE_${code}`;
}

/**
 * A call that ended with a non-OK status: sent by the server, or decided by
 * the client (a deadline with no answer, a lost connection, a request refused
 * before sending).
 */
class RpcError extends Error {
  /**
   * @param {number} code gRPC status code.
   * @param {string} [message] The human-readable explanation.
   * @param {{type: string, value: Uint8Array}[]} [details] Typed attachments.
   */
  constructor(code, message = '', details = []) {
    super(message);
    this.code = code;
    this.details = details.map((d) => ({ type: String(d.type), value: d.value }));
  }

  get name() {
    return 'RpcError';
  }

  /** The code's name, e.g. "INVALID_ARGUMENT". */
  get codeName() {
    return codeName(this.code);
  }

  /** Builds the error of a qbsync.rpc.v1.Status. */
  static fromStatus(status) {
    return new RpcError(status.code, status.message, status.details || []);
  }

  /** Every detail of one message type, decoded, in the order the server sent them. */
  detailsOf(type) {
    return this.details.filter((d) => d.type === type.typeName).map((d) => type.decode(d.value));
  }

  /** The first detail of one message type (e.g. messages.FieldViolation), decoded; undefined when there is none. */
  detail(type) {
    const found = this.details.find((d) => d.type === type.typeName);
    return found === undefined ? undefined : type.decode(found.value);
  }

  toString() {
    return this.message ? `${this.name}: ${this.codeName}: ${this.message}` : `${this.name}: ${this.codeName}`;
  }
}

/**
 * The server ended the connection with a GoAway other than a graceful
 * shutdown: refused at connect (VERSION_MISMATCH, PERMISSION_DENIED,
 * TOO_MANY_CONNECTIONS), or gave up on it (PROTOCOL_ERROR, ...).
 * `message` is the server's GoAway message; `code` the code it gave.
 */
class GoAwayError extends RpcError {
  constructor(code, message, reason, reasonName, lastStreamId = 0) {
    super(code, message);
    this.reason = reason;
    this.reasonName = reasonName;
    this.lastStreamId = lastStreamId;
  }

  get name() {
    return 'GoAwayError';
  }
}

module.exports = { StatusCode, RpcError, GoAwayError, codeName };

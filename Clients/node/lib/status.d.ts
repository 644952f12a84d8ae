import type { MessageType } from './protobuf';

/** gRPC canonical status codes, as carried by Status.code. */
export declare enum StatusCode {
  OK = 0,
  CANCELLED = 1,
  UNKNOWN = 2,
  INVALID_ARGUMENT = 3,
  DEADLINE_EXCEEDED = 4,
  NOT_FOUND = 5,
  ALREADY_EXISTS = 6,
  PERMISSION_DENIED = 7,
  RESOURCE_EXHAUSTED = 8,
  FAILED_PRECONDITION = 9,
  ABORTED = 10,
  OUT_OF_RANGE = 11,
  UNIMPLEMENTED = 12,
  INTERNAL = 13,
  UNAVAILABLE = 14,
  DATA_LOSS = 15,
  UNAUTHENTICATED = 16,
}

/** "NOT_FOUND" for 5; "CODE_<n>" for codes this client does not know. */
export declare function codeName(code: number): string;

/** A typed attachment of a status: the full type name and the encoded message. */
export interface StatusDetail {
  type: string;
  value: Uint8Array;
}

/**
 * A call that ended with a non-OK status: from the server, or decided by the
 * client (deadline with no answer, lost connection, request refused before sending).
 */
export declare class RpcError extends Error {
  constructor(code: number, message?: string, details?: StatusDetail[]);
  /** The gRPC status code. */
  readonly code: StatusCode | number;
  /** The code's name, e.g. "INVALID_ARGUMENT". */
  readonly codeName: string;
  /** Typed attachments, e.g. {type: "qbsync.v1.FieldViolation", value: <bytes>}. */
  readonly details: StatusDetail[];
  /** The first detail of that type, decoded; undefined when there is none. */
  detail<T>(type: MessageType<T>): T | undefined;
  /** Every detail of that type, decoded. */
  detailsOf<T>(type: MessageType<T>): T[];
  static fromStatus(status: { code: number; message: string; details?: StatusDetail[] }): RpcError;
}

/**
 * The server ended the connection with a GoAway other than a graceful
 * shutdown: refused at connect (VERSION_MISMATCH, PERMISSION_DENIED,
 * TOO_MANY_CONNECTIONS) or gave up on it. `message` is the server's.
 */
export declare class GoAwayError extends RpcError {
  /** The GoAwayReason number. */
  readonly reason: number;
  /** Its short name, e.g. "PERMISSION_DENIED". */
  readonly reasonName: string;
  /** The highest stream id the server accepted. */
  readonly lastStreamId: number;
}

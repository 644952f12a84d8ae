// Types of the protobuf runtime (lib/protobuf.js) that the generated code uses.

/** A 64-bit integer as accepted on input: decoded messages always hold a bigint. */
export type Int64Input = bigint | number | string;

type InitValue<V> = V extends bigint
  ? Int64Input
  : V extends Uint8Array
  ? Uint8Array
  : V extends ReadonlyArray<infer E>
  ? ReadonlyArray<InitValue<E>>
  : V extends object
  ? MessageInit<V>
  : V;

/**
 * What encode() and the client methods accept for a message: every field
 * optional (absent = default), nested messages in init form too, 64-bit
 * integers also as number or decimal string.
 */
export type MessageInit<T> = { [K in keyof T]?: InitValue<T[K]> | null };

/** A value of protobuf's JSON mapping. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The codec of one generated message type. */
export interface MessageType<T> {
  /** The full protobuf name, e.g. "qbsync.v1.FieldViolation". */
  readonly typeName: string;
  /** A message with every field at its default, overridden by `init`. */
  create(init?: MessageInit<T> | null): T;
  /** The protobuf binary encoding. */
  encode(message: MessageInit<T> | null | undefined): Uint8Array;
  /** Decodes the protobuf binary encoding; throws DecodeError when malformed. Unknown fields are skipped. */
  decode(bytes: Uint8Array): T;
  /** The proto3 JSON mapping: lowerCamelCase names, enum names, 64-bit integers as strings, defaults omitted. */
  toJSON(message: MessageInit<T> | null | undefined): JsonObject;
  /** Parses the proto3 JSON mapping (also accepts the proto field names); throws TypeError naming the path. */
  fromJSON(json: unknown): T;
  /** The first string the server would refuse (a NUL, or invalid UTF-8 i.e. an unpaired surrogate), named like the server names fields. */
  findInvalidString(message: MessageInit<T>): { field: string; problem: string } | null;
}

export declare class DecodeError extends Error {}

/** Low-level pieces, for generated code. */
export declare class Writer {
  constructor(size?: number);
  finish(): Uint8Array;
}
export declare class Reader {
  constructor(bytes: Uint8Array);
}

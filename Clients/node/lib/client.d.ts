import type { MessageInit, MessageType } from './protobuf';
import type { ResponseStream } from './stream';

export { ResponseStream } from './stream';

/** Call metadata: keys of 1-64 lower-case letters, digits, "-", "_", "."; values UTF-8 without NUL. */
export type Metadata = Record<string, string> | Map<string, string> | ReadonlyArray<readonly [string, string]>;

export interface CallOptions {
  /** Deadline in milliseconds (sent as OpenCall.timeout_micros; the client gives up 100 ms later). undefined: the client's default; null or Infinity: none; <= 0 fails at once. */
  timeout?: number | null;
  /** Sent with the call. */
  metadata?: Metadata;
  /** Aborting cancels the call (Cancel to the server) and rejects it with CANCELLED. */
  signal?: AbortSignal;
}

/** Options of a server-streaming call; `timeout` defaults to the client's streamTimeout (none). */
export interface StreamOptions extends CallOptions {}

export interface ClientOptions {
  /** Default deadline of unary calls in ms (30000); null for none. */
  timeout?: number | null;
  /** Default deadline of streaming calls in ms; null (the default) for none. */
  streamTimeout?: number | null;
  /** Connecting plus the Hello exchange, ms (5000). */
  connectTimeout?: number;
  /** Largest frame body accepted from the server (4 MiB). */
  maxFrameSize?: number;
  /** Response messages the server may send ahead on a stream (64). */
  streamWindow?: number;
  /** Sent in the Hello, for the server's logs. */
  agent?: string;
}

/** One RPC: its path, request and response types. */
export interface MethodDescriptor<Req, Res> {
  readonly name: string;
  readonly jsName: string;
  readonly path: string;
  readonly requestType: MessageType<Req>;
  readonly responseType: MessageType<Res>;
  readonly serverStreaming: boolean;
}

/** Call-by-path options: with requestType the request may be a message; with responseType the response is decoded. */
export interface PathCallOptions<Req, Res> extends CallOptions {
  requestType?: MessageType<Req>;
  responseType?: MessageType<Res>;
}

/** The hello the server answered with. */
export interface ServerHello {
  protocolVersion: number;
  maxFrameSize: number;
  maxConcurrentStreams: number;
  agent: string;
}

/**
 * One connection to qbsync on a Unix socket, opened on the first call and
 * reopened after the server goes away. Every call rejects with RpcError.
 */
export declare class BaseClient {
  constructor(socketPath: string, options?: ClientOptions);
  readonly socketPath: string;
  timeout: number | null;
  streamTimeout: number | null;
  readonly streamWindow: number;
  /** Connects now if not connected; resolves with the server's Hello; rejects with GoAwayError when refused. */
  connect(): Promise<ServerHello>;
  /** Sends a ping on the connection; resolves with the round trip in ms. */
  ping(options?: { timeout?: number | null }): Promise<number>;
  /** Closes the connection: open calls end CANCELLED, later calls fail UNAVAILABLE. */
  close(): void;

  /** Calls any unary method by path. Without responseType the response is its encoded bytes. */
  callUnary<Req, Res>(path: string, request: MessageInit<Req> | Uint8Array | null, options: PathCallOptions<Req, Res> & { responseType: MessageType<Res> }): Promise<Res>;
  callUnary(path: string, request: Uint8Array | null, options?: CallOptions): Promise<Uint8Array>;
  /** Opens any server-streaming method by path. */
  callServerStreaming<Req, Res>(path: string, request: MessageInit<Req> | Uint8Array | null, options: PathCallOptions<Req, Res> & { responseType: MessageType<Res> }): ResponseStream<Res>;
  callServerStreaming(path: string, request: Uint8Array | null, options?: CallOptions): ResponseStream<Uint8Array>;

  /** Used by the generated methods. */
  unaryCall<Req, Res>(method: MethodDescriptor<Req, Res>, request?: MessageInit<Req> | null, options?: CallOptions): Promise<Res>;
  serverStreamingCall<Req, Res>(method: MethodDescriptor<Req, Res>, request?: MessageInit<Req> | null, options?: StreamOptions): ResponseStream<Res>;
}

export declare const AGENT: string;

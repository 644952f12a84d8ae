// qbsync-client: the Node.js client of qbsync.

import * as generated from './generated/index';
import { QuickBooksSyncClient, QuickBooksSyncMethods } from './generated/qbsync/v1/service';
import type { MessageType } from './lib/protobuf';

export { QuickBooksSyncClient } from './generated/qbsync/v1/service';
export { QuickBooksSyncClient as Client } from './generated/qbsync/v1/service';
export { BaseClient, CallOptions, StreamOptions, ClientOptions, Metadata, MethodDescriptor, PathCallOptions, ServerHello, AGENT } from './lib/client';
export { ResponseStream } from './lib/stream';
export { RpcError, GoAwayError, StatusCode, StatusDetail, codeName } from './lib/status';
export { DecodeError, MessageType, MessageInit, JsonObject, JsonValue, Int64Input } from './lib/protobuf';

/** Every message type and enum of qbsync.v1: `messages.SyncEvent` is both the codec and the interface. */
export * as messages from './generated/qbsync/v1/index';
/** The wire envelope (qbsync.rpc.v1): Frame, Hello, Status, ... */
export * as frames from './generated/qbsync/rpc/v1/index';
/** The RPCs of QuickBooksSync by proto name. */
export declare const methods: typeof QuickBooksSyncMethods;
/** Every message type by full protobuf name. */
export declare const messageTypes: typeof generated.messageTypes;
/** A message type by its full protobuf name, or undefined. */
export declare function messageType(name: string): MessageType<unknown> | undefined;
/** Every enum by full protobuf name. */
export declare const enumTypes: typeof generated.enumTypes;

'use strict';
// qbsync-client: the Node.js client of qbsync (CommonJS, no dependencies).
//
//   const { Client, messages } = require('qbsync-client');
//   const client = new Client('/tmp/qbsync/qbsync.sock');
//   const health = await client.getHealth({ companyId: 'demo' });

const generated = require('./generated/index.js');
const { QuickBooksSyncClient, QuickBooksSyncMethods } = require('./generated/qbsync/v1/service.js');
const { BaseClient, AGENT } = require('./lib/client.js');
const { ResponseStream } = require('./lib/stream.js');
const { RpcError, GoAwayError, StatusCode, codeName } = require('./lib/status.js');
const { DecodeError } = require('./lib/protobuf.js');

/** A message type by its full protobuf name ("qbsync.v1.FieldViolation"), or undefined. */
function messageType(name) {
  return Object.prototype.hasOwnProperty.call(generated.messageTypes, name) ? generated.messageTypes[name] : undefined;
}

module.exports = {
  Client: QuickBooksSyncClient,
  QuickBooksSyncClient,
  BaseClient,
  ResponseStream,
  RpcError,
  GoAwayError,
  StatusCode,
  codeName,
  DecodeError,
  AGENT,
  /** Every message type and enum of qbsync.v1. */
  messages: generated.qbsync_v1,
  /** Every enum by full protobuf name. */
  enumTypes: generated.enumTypes,
  /** The wire envelope (qbsync.rpc.v1): Frame, Hello, Status, ... */
  frames: generated.qbsync_rpc_v1,
  /** The RPCs of QuickBooksSync by proto name: { path, requestType, responseType, serverStreaming }. */
  methods: QuickBooksSyncMethods,
  messageTypes: generated.messageTypes,
  messageType,
};

// Compiled with `tsc --noEmit --strict` by ./test: the .d.ts files must
// describe the API as used here (nothing is run).
import { Client, RpcError, GoAwayError, StatusCode, messages, methods, messageType, ResponseStream } from '..';
import type { MessageInit } from '..';

async function example(): Promise<void> {
  const client = new Client('/tmp/qbsync.sock', { timeout: 10_000, streamWindow: 16 });
  const health: messages.GetHealthResponse = await client.getHealth({ companyId: 'demo' });
  const seq: bigint = health.lastSequence;
  const state: messages.ConnectionState = health.companies[0].connectionState;
  if (state === messages.ConnectionState.CONNECTION_STATE_ACTIVE) console.log(seq + 1n);

  const invoice: MessageInit<messages.Invoice> = {
    externalId: 'inv-1',
    customerExternalId: 'c-1',
    currency: 'USD',
    txnDate: '2026-11-02',
    lines: [{ kind: messages.LineKind.LINE_KIND_SALE, itemCode: 'TENT', quantity: '1', unitRate: '10.00', amountMinor: 1000 }],
  };
  try {
    const res = await client.syncInvoice({ companyId: 'demo', invoice }, { timeout: 5000, metadata: { 'request-id': 'r1' } });
    console.log(res.record?.status === messages.SyncStatus.SYNC_STATUS_SYNCED);
  } catch (e) {
    if (e instanceof RpcError && e.code === StatusCode.INVALID_ARGUMENT) {
      const violation: messages.FieldViolation | undefined = e.detail(messages.FieldViolation);
      console.log(e.codeName, violation?.field);
    }
    if (e instanceof GoAwayError) console.log(e.reasonName);
  }

  const controller = new AbortController();
  const stream: ResponseStream<messages.SyncEventStreamMessage> = client.streamSyncEvents(
    { companyId: 'demo', afterSequence: '42', includeHealth: true },
    { signal: controller.signal }
  );
  for await (const message of stream) {
    const kind: 'event' | 'health' | undefined = messages.SyncEventStreamMessage.whichKind(message);
    if (kind === 'event' && message.event) console.log(message.event.sequence, messages.SyncStatus[message.event.toStatus]);
    break;
  }
  stream.cancel();

  const bytes: Uint8Array = messages.GetHealthRequest.encode({ companyId: 'demo' });
  const back: messages.GetHealthRequest = messages.GetHealthRequest.decode(bytes);
  const json = messages.GetHealthRequest.toJSON(back);
  console.log(messages.GetHealthRequest.fromJSON(json).companyId);
  const raw: Uint8Array = await client.callUnary('/qbsync.v1.QuickBooksSync/GetHealth', bytes);
  const typed: messages.GetHealthResponse = await client.callUnary(methods.GetHealth.path, { companyId: 'demo' }, {
    requestType: messages.GetHealthRequest,
    responseType: messages.GetHealthResponse,
  });
  console.log(raw.length, typed.version, messageType('qbsync.v1.FieldViolation')?.typeName, await client.ping());
  client.close();
}

void example;

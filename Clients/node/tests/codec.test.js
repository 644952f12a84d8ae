'use strict';
// The generated codecs: wire bytes, JSON mapping, string checks, and the
// generator's determinism.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { messages: m, frames, messageTypes, methods } = require('..');
const { encodeFrames } = require('../lib/connection.js');
const { Writer } = require('../lib/protobuf.js');
const { NODE_DIR } = require('./support.js');

const hex = (bytes) => Buffer.from(bytes).toString('hex');

test('the handshake and a GetHealth call are the bytes of docs/protocol.md §9', () => {
  assert.equal(hex(encodeFrames([{ streamId: 0, hello: { protocolVersion: 1 } }], 4096)), '0000000412020801');
  const call = encodeFrames(
    [
      { streamId: 1, open: { method: '/qbsync.v1.QuickBooksSync/GetHealth' } },
      { streamId: 1, message: { payload: new Uint8Array(0), endOfStream: true } },
    ],
    4096
  );
  assert.equal(
    hex(call),
    '00000029' + '08011a250a23' + Buffer.from('/qbsync.v1.QuickBooksSync/GetHealth').toString('hex') + '00000006' + '080122021001'
  );
  assert.equal(hex(frames.Frame.encode({ streamId: 1, status: {} })), '08012a00');
});

test('a message round-trips through every field kind it has', () => {
  const event = {
    sequence: 18446744073709551615n,
    at: '2026-11-02T10:00:00.000Z',
    ref: { companyId: 'demo', entity: m.EntityType.ENTITY_TYPE_INVOICE, externalId: 'inv-é✓' },
    fromStatus: m.SyncStatus.SYNC_STATUS_PENDING,
    toStatus: m.SyncStatus.SYNC_STATUS_SYNCED,
    blockers: [{ kind: m.BlockerKind.BLOCKER_KIND_ITEM_NOT_MAPPED, ref: 'TENT', message: 'map it' }, { ref: 'x' }],
    error: { errorClass: m.ErrorClass.ERROR_CLASS_VALIDATION, retryable: true },
    attempts: 4294967295,
  };
  const decoded = m.SyncEvent.decode(m.SyncEvent.encode(event));
  assert.equal(decoded.sequence, 18446744073709551615n);
  assert.equal(decoded.ref.externalId, 'inv-é✓');
  assert.equal(decoded.attempts, 4294967295);
  assert.equal(decoded.blockers.length, 2);
  assert.equal(decoded.blockers[1].kind, 0);
  assert.equal(decoded.blockers[1].message, '');
  assert.equal(decoded.error.retryable, true);
  assert.equal(decoded.qboId, '');
  assert.equal(decoded.warnings.length, 0);

  // int64 with negative values (10-byte varints), bytes, and 64-bit inputs as number/string
  const rec = m.EntityReconciliation.decode(m.EntityReconciliation.encode({ syncedTotalMinor: -5, foundTotalMinor: '-9223372036854775808', syncedCount: 3 }));
  assert.equal(rec.syncedTotalMinor, -5n);
  assert.equal(rec.foundTotalMinor, -9223372036854775808n);
  assert.equal(rec.syncedCount, 3n);
  const detail = frames.StatusDetail.decode(frames.StatusDetail.encode({ type: 't', value: Uint8Array.from([0, 1, 255]) }));
  assert.deepEqual([...detail.value], [0, 1, 255]);
});

test('defaults are not written; oneof members are, even at their default', () => {
  assert.equal(m.GetHealthRequest.encode({ companyId: '' }).length, 0);
  assert.equal(m.SyncRecord.encode(m.SyncRecord.create()).length, 0);
  // ResyncRequest.target is a oneof: all_errored = false is still sent
  const bytes = m.ResyncRequest.encode({ allErrored: false });
  assert.equal(hex(bytes), '1800');
  const decoded = m.ResyncRequest.decode(bytes);
  assert.equal(decoded.allErrored, false);
  assert.equal(m.ResyncRequest.whichTarget(decoded), 'allErrored');
  assert.equal(m.ResyncRequest.whichTarget(m.ResyncRequest.decode(new Uint8Array())), undefined);
  // a later member of the oneof replaces an earlier one
  const both = Buffer.concat([m.ResyncRequest.encode({ record: { externalId: 'a' } }), m.ResyncRequest.encode({ allErrored: true })]);
  const last = m.ResyncRequest.decode(both);
  assert.equal(last.record, undefined);
  assert.equal(last.allErrored, true);
});

test('repeated enums are packed, and unpacked input is accepted too', () => {
  const bytes = m.ListRecordsRequest.encode({ statuses: [1, 3] });
  assert.equal(hex(bytes), '1a020103');
  assert.deepEqual(m.ListRecordsRequest.decode(Buffer.from('18011803', 'hex')).statuses, [1, 3]);
});

test('unknown fields are skipped; malformed input throws DecodeError', () => {
  // field 99 (varint), field 98 (length-delimited), then company_id
  const w = new Writer();
  w.uint32((99 << 3) | 0);
  w.uint64(123456789012345n);
  w.uint32((98 << 3) | 2);
  w.string('ignored');
  w.uint32((1 << 3) | 2);
  w.string('demo');
  assert.equal(m.GetHealthRequest.decode(w.finish()).companyId, 'demo');
  assert.throws(() => m.GetHealthRequest.decode(Buffer.from('0a05646d', 'hex')), { name: 'DecodeError' });
  assert.throws(() => m.GetRecordRequest.decode(Buffer.from('0a0a0a02', 'hex')), { name: 'DecodeError' });
});

test('JSON mapping: lowerCamelCase, enum names, 64-bit as strings, defaults omitted', () => {
  const json = m.SyncEventStreamMessage.toJSON({
    event: { sequence: 42n, ref: { companyId: 'demo', entity: 2 }, toStatus: 3, attempts: 0, note: '' },
  });
  assert.deepEqual(json, { event: { sequence: '42', ref: { companyId: 'demo', entity: 'ENTITY_TYPE_INVOICE' }, toStatus: 'SYNC_STATUS_SYNCED' } });
  assert.deepEqual(m.GetHealthResponse.toJSON(m.GetHealthResponse.create()), {});
  assert.deepEqual(frames.StatusDetail.toJSON({ type: 'x', value: Buffer.from('hi') }), { type: 'x', value: 'aGk=' });
  // an enum value this client does not know prints as its number
  assert.deepEqual(m.RecordRef.toJSON({ entity: 99 }), { entity: 99 });

  const parsed = m.ListRecordsRequest.fromJSON({ companyId: 'demo', entity: 'ENTITY_TYPE_INVOICE', statuses: ['SYNC_STATUS_SYNCED', 1], page_size: '25' });
  assert.deepEqual(parsed, { companyId: 'demo', entity: 2, statuses: [3, 1], pageSize: 25, pageToken: '' });
  assert.equal(m.StreamSyncEventsRequest.fromJSON({ afterSequence: '18446744073709551615' }).afterSequence, 18446744073709551615n);
  assert.equal(m.StreamSyncEventsRequest.fromJSON({ afterSequence: 7 }).afterSequence, 7n);
  assert.equal(m.GetHealthRequest.fromJSON({ companyId: null }).companyId, '');
  assert.throws(() => m.GetHealthRequest.fromJSON({ company: 'x' }), /has no field "company"/);
  assert.throws(() => m.RecordRef.fromJSON({ entity: 'INVOICE' }), /ref|entity/);
  assert.throws(() => m.StreamSyncEventsRequest.fromJSON({ afterSequence: '-1' }), /out of range/);
  assert.throws(() => m.ListRecordsRequest.fromJSON({ pageSize: 1.5 }), /integer/);
  assert.throws(() => m.ResyncRequest.fromJSON({ record: {}, allErrored: true }), /only one field of oneof/);
});

test('strings the server would refuse are named like the server names fields', () => {
  const request = {
    companyId: 'demo',
    invoice: { externalId: 'ok', lines: [{ itemCode: 'a' }, { itemCode: 'b\u0000c' }] },
  };
  assert.deepEqual(m.SyncInvoiceRequest.findInvalidString(request), {
    field: 'invoice.lines[1].item_code',
    problem: 'contains a NUL character',
  });
  assert.deepEqual(m.GetHealthRequest.findInvalidString({ companyId: 'x\ud800' }), { field: 'company_id', problem: 'is not valid UTF-8' });
  assert.equal(m.GetHealthRequest.findInvalidString({ companyId: 'démo ✓ 😀' }), null);
});

test('every RPC has a method; the registry knows every message', () => {
  assert.equal(Object.keys(methods).length, 31);
  assert.equal(methods.StreamSyncEvents.serverStreaming, true);
  assert.equal(methods.GetHealth.path, '/qbsync.v1.QuickBooksSync/GetHealth');
  assert.equal(typeof require('..').Client.prototype.syncInvoice, 'function');
  assert.equal(messageTypes['qbsync.v1.FieldViolation'], m.FieldViolation);
  assert.equal(messageTypes['qbsync.rpc.v1.Frame'], frames.Frame);
});

test('gen is deterministic and the committed generated/ is current', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'qbsync-node-gen-'));
  try {
    for (const dir of [path.join(out, 'a'), path.join(out, 'b')]) {
      const run = spawnSync(path.join(NODE_DIR, 'gen'), [dir], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
    }
    const list = (root) =>
      fs
        .readdirSync(root, { recursive: true })
        .filter((f) => fs.statSync(path.join(root, f)).isFile())
        .sort();
    const files = list(path.join(out, 'a'));
    assert.deepEqual(list(path.join(out, 'b')), files);
    assert.deepEqual(list(path.join(NODE_DIR, 'generated')), files, 'generated/ has other files: run ./gen generated');
    for (const f of files) {
      const fresh = fs.readFileSync(path.join(out, 'a', f), 'utf8');
      assert.equal(fs.readFileSync(path.join(out, 'b', f), 'utf8'), fresh, `${f} differs between two runs`);
      assert.equal(fs.readFileSync(path.join(NODE_DIR, 'generated', f), 'utf8'), fresh, `generated/${f} is stale: run ./gen generated`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('the generator handles every scalar type, nesting, proto3 optional and unpacked fields', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qbsync-node-fixture-'));
  try {
    const fixtures = path.join(__dirname, 'fixtures');
    const run = spawnSync('protoc', ['-I', fixtures, '--include_imports', '--include_source_info', `--descriptor_set_out=${tmp}/set.pb`, 'fixture/v1/all.proto'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    fs.symlinkSync(path.join(NODE_DIR, 'lib'), path.join(tmp, 'lib'));
    const gen = spawnSync(process.execPath, [path.join(NODE_DIR, 'tools/gen.js'), `${tmp}/set.pb`, `${tmp}/out`], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    const f = require(path.join(tmp, 'out/fixture/v1/all.js'));
    const value = {
      fDouble: -1.5, fFloat: 0.25, fInt64: -9007199254740993n, fUint64: 18446744073709551615n, fInt32: -7,
      fFixed64: 18446744073709551615n, fFixed32: 4294967295, fBool: true, fString: 'ß', fBytes: Buffer.from([1, 2]),
      fUint32: 4294967295, fEnum: f.Color.COLOR_NEGATIVE, fSfixed32: -2147483648, fSfixed64: -9223372036854775808n,
      fSint32: -2147483648, fSint64: -9223372036854775808n, maybe: 0, rSint64: [-1n, 1n, 0n], rDouble: [0.5, -2.25, Infinity],
      rFixed32: [1, 2], rBytes: [Buffer.alloc(0), Buffer.from('x')], inner: { name: 'n', back: { number: 0 } }, moods: [1, 0],
    };
    const bytes = f.Scalars.encode(value);
    const back = f.Scalars.decode(bytes);
    assert.deepEqual({ ...back, fBytes: [...back.fBytes], rBytes: back.rBytes.map((b) => [...b]) }, { ...value, fBytes: [1, 2], rBytes: [[], [120]] });
    assert.equal(f.Outer.whichChoice(back.inner.back), 'number');
    // r_fixed32 is not packed: two separate tags (0xb5 0x01 = field 22, wire type 5)
    assert.ok(Buffer.from(bytes).includes(Buffer.from('b50101000000b50102000000', 'hex')));
    const json = f.Scalars.toJSON(value);
    assert.equal(json.fInt64, '-9007199254740993');
    assert.equal(json.fEnum, 'COLOR_NEGATIVE');
    assert.equal(json.maybe, 0); // explicit presence: printed even at 0
    assert.deepEqual(json.moods, ['MOOD_HAPPY', 'MOOD_UNSPECIFIED']);
    assert.deepEqual(f.Scalars.fromJSON(JSON.parse(JSON.stringify(json))), f.Scalars.decode(bytes));
    assert.deepEqual(f.Scalars.toJSON(f.Scalars.create()), {});
    assert.equal(f.Scalars.decode(f.Scalars.encode({})).maybe, undefined);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

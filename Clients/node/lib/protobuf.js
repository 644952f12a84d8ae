'use strict';
// The protobuf wire runtime the generated code (generated/) is built on:
// a growable Writer, a bounds-checked Reader and the helpers of protobuf's
// JSON mapping. Hand-written, dependency-free; generated code calls it, user
// code normally does not.
//
// Value representation (see README "Messages"):
//   int32, uint32, sint32, fixed32, sfixed32, enums, float, double -> number
//   int64, uint64, sint64, fixed64, sfixed64                       -> bigint
//     (encode also accepts a safe-integer number or a decimal string)
//   bool -> boolean, string -> string, bytes -> Uint8Array (a Buffer on decode)

const TWO_32 = 4294967296;
const U64_MASK = (1n << 64n) - 1n;

class DecodeError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DecodeError';
  }
}

// ----------------------------------------------------------------- writer

class Writer {
  constructor(size = 128) {
    this.buf = Buffer.allocUnsafe(size);
    this.pos = 0;
    this.stack = [];
  }

  ensure(n) {
    if (this.pos + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.pos + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
  }

  /** A varint of an unsigned 32-bit value (also used for tags and lengths). */
  uint32(v) {
    v >>>= 0;
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (v > 127) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** int32 and enums: negative values take 10 bytes (sign-extended to 64 bits). */
  int32(v) {
    v |= 0;
    if (v >= 0) this.uint32(v);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  sint32(v) {
    v |= 0;
    this.uint32((v << 1) ^ (v >> 31));
  }

  varint64(lo, hi) {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi) {
      buf[pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      buf[pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  uint64(v) {
    if (typeof v === 'number' && v >= 0 && v < TWO_32 && Number.isInteger(v)) return this.uint32(v);
    const b = BigInt.asUintN(64, toBigInt(v));
    this.varint64(Number(b & 0xffffffffn), Number(b >> 32n));
  }

  int64(v) {
    this.uint64(v); // two's complement of a negative value is its 64-bit unsigned form
  }

  sint64(v) {
    const b = BigInt.asIntN(64, toBigInt(v));
    this.uint64(BigInt.asUintN(64, (b << 1n) ^ (b >> 63n)));
  }

  bool(v) {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  fixed32(v) {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  sfixed32(v) {
    this.ensure(4);
    this.buf.writeInt32LE(v | 0, this.pos);
    this.pos += 4;
  }

  fixed64(v) {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, toBigInt(v)), this.pos);
    this.pos += 8;
  }

  sfixed64(v) {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, toBigInt(v)), this.pos);
    this.pos += 8;
  }

  float(v) {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  double(v) {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(v) {
    if (typeof v !== 'string') throw new TypeError(`expected a string, got ${typeof v}`);
    const len = Buffer.byteLength(v, 'utf8');
    this.uint32(len);
    this.ensure(len);
    this.pos += this.buf.utf8Write(v, this.pos, len);
  }

  bytes(v) {
    if (!(v instanceof Uint8Array)) throw new TypeError('expected a Uint8Array');
    const len = v.length;
    this.uint32(len);
    this.ensure(len);
    this.buf.set(v, this.pos);
    this.pos += len;
  }

  /** Starts a length-delimited value whose length is written by ldelim(). */
  fork() {
    this.stack.push(this.pos);
  }

  ldelim() {
    const start = this.stack.pop();
    const len = this.pos - start;
    const size = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
    this.ensure(size);
    if (len > 0) this.buf.copyWithin(start + size, start, this.pos);
    const end = this.pos + size;
    this.pos = start;
    this.uint32(len);
    this.pos = end;
  }

  finish() {
    return this.buf.subarray(0, this.pos);
  }
}

// ----------------------------------------------------------------- reader

class Reader {
  constructor(buf) {
    this.buf = buf instanceof Buffer ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
    this.len = this.buf.length;
  }

  truncated() {
    return new DecodeError(`truncated message (offset ${this.pos} of ${this.len})`);
  }

  uint32() {
    const buf = this.buf;
    let b = buf[this.pos++];
    let v = b & 127;
    if (b < 128) return this.check(v);
    b = buf[this.pos++];
    v |= (b & 127) << 7;
    if (b < 128) return this.check(v);
    b = buf[this.pos++];
    v |= (b & 127) << 14;
    if (b < 128) return this.check(v);
    b = buf[this.pos++];
    v |= (b & 127) << 21;
    if (b < 128) return this.check(v);
    b = buf[this.pos++];
    v = (v | ((b & 15) << 28)) >>> 0;
    if (b < 128) return this.check(v);
    for (let i = 0; i < 5; i++) {
      // a longer varint (e.g. a negative int32): keep the low 32 bits
      if (buf[this.pos++] < 128) return this.check(v);
    }
    throw new DecodeError('invalid varint');
  }

  check(v) {
    if (this.pos > this.len) throw this.truncated();
    return v;
  }

  int32() {
    return this.uint32() | 0;
  }

  sint32() {
    const v = this.uint32();
    return (v >>> 1) ^ -(v & 1);
  }

  /** Reads a varint into this.lo / this.hi (unsigned 32-bit halves). */
  varint64() {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let b;
    for (let i = 0; i < 4; i++) {
      b = buf[this.pos++];
      lo = (lo | ((b & 127) << (i * 7))) >>> 0;
      if (b < 128) return this.set64(lo, hi);
    }
    b = buf[this.pos++];
    lo = (lo | ((b & 127) << 28)) >>> 0;
    hi = (b & 127) >>> 4;
    if (b < 128) return this.set64(lo, hi);
    for (let i = 0; i < 5; i++) {
      b = buf[this.pos++];
      hi = (hi | ((b & 127) << (i * 7 + 3))) >>> 0;
      if (b < 128) return this.set64(lo, hi);
    }
    throw new DecodeError('invalid varint');
  }

  set64(lo, hi) {
    if (this.pos > this.len) throw this.truncated();
    this.lo = lo;
    this.hi = hi;
  }

  uint64() {
    this.varint64();
    return this.hi === 0 ? BigInt(this.lo) : (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  int64() {
    this.varint64();
    if (this.hi === 0) return BigInt(this.lo);
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }

  sint64() {
    const u = this.uint64();
    return (u >> 1n) ^ -(u & 1n);
  }

  bool() {
    return this.uint32() !== 0;
  }

  need(n) {
    if (this.pos + n > this.len) throw this.truncated();
    const at = this.pos;
    this.pos += n;
    return at;
  }

  fixed32() {
    return this.buf.readUInt32LE(this.need(4));
  }

  sfixed32() {
    return this.buf.readInt32LE(this.need(4));
  }

  fixed64() {
    return this.buf.readBigUInt64LE(this.need(8));
  }

  sfixed64() {
    return this.buf.readBigInt64LE(this.need(8));
  }

  float() {
    return this.buf.readFloatLE(this.need(4));
  }

  double() {
    return this.buf.readDoubleLE(this.need(8));
  }

  /** The end offset of a length-delimited value starting here (after its length). */
  end() {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > this.len) throw this.truncated();
    return end;
  }

  string() {
    const end = this.end();
    const start = this.pos;
    this.pos = end;
    return this.buf.utf8Slice(start, end);
  }

  /** A copy, so a decoded message does not pin the frame it came in. */
  bytes() {
    const end = this.end();
    const out = Buffer.allocUnsafe(end - this.pos);
    this.buf.copy(out, 0, this.pos, end);
    this.pos = end;
    return out;
  }

  skip(wireType, fieldNumber) {
    switch (wireType) {
      case 0:
        this.varint64();
        return;
      case 1:
        this.need(8);
        return;
      case 2:
        this.pos = this.end();
        return;
      case 3:
        for (;;) {
          const tag = this.uint32();
          if ((tag & 7) === 4) {
            if (tag >>> 3 !== fieldNumber) throw new DecodeError('mismatched end group');
            return;
          }
          this.skip(tag & 7, tag >>> 3);
        }
      case 5:
        this.need(4);
        return;
      default:
        throw new DecodeError(`invalid wire type ${wireType} (field ${fieldNumber})`);
    }
  }

  /** Called when a message ends: it must end exactly at `end`. */
  done(end, typeName) {
    if (this.pos !== end) throw new DecodeError(`${typeName}: a field runs past the end of the message`);
  }
}

// ----------------------------------------------------------------- values

function toBigInt(v) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`64-bit integer field: ${v} is not a safe integer (use a bigint or a string)`);
    return BigInt(v);
  }
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v.trim())) return BigInt(v.trim());
  throw new TypeError(`64-bit integer field: expected a bigint, integer or decimal string, got ${typeof v === 'string' ? JSON.stringify(v) : typeof v}`);
}

/** A 64-bit field's value, for presence tests: true when it is zero. */
function isZero64(v) {
  return v === 0n || v === 0 || v === '0' || v === '';
}

// ----------------------------------------------------------------- strings

/**
 * The problem with a string the server would refuse, or null: a NUL, or
 * (the JavaScript form of invalid UTF-8) an unpaired surrogate.
 */
function stringProblem(s) {
  if (typeof s !== 'string') return null;
  if (s.indexOf('\u0000') !== -1) return 'contains a NUL character';
  if (!s.isWellFormed()) return 'is not valid UTF-8';
  return null;
}

// ----------------------------------------------------------------- JSON mapping

function jsonError(path, what, value) {
  let shown;
  try {
    shown = JSON.stringify(value);
  } catch {
    shown = String(value);
  }
  return new TypeError(`${path}: ${what}, got ${shown === undefined ? typeof value : shown}`);
}

const json = {
  string(v, path) {
    if (typeof v !== 'string') throw jsonError(path, 'expected a string', v);
    return v;
  },
  bool(v, path) {
    if (typeof v !== 'boolean') throw jsonError(path, 'expected true or false', v);
    return v;
  },
  int(v, path, min, max) {
    let n = v;
    if (typeof v === 'string' && /^-?[0-9]+(\.0*)?$|^-?[0-9](\.[0-9]+)?[eE]\+?[0-9]+$/.test(v.trim())) n = Number(v);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw jsonError(path, `expected an integer from ${min} to ${max}`, v);
    }
    return n;
  },
  int32(v, path) {
    return json.int(v, path, -2147483648, 2147483647);
  },
  uint32(v, path) {
    return json.int(v, path, 0, 4294967295);
  },
  int64(v, path, signed) {
    let b;
    if (typeof v === 'bigint') b = v;
    else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
    else if (typeof v === 'string' && /^-?[0-9]+$/.test(v.trim())) b = BigInt(v.trim());
    else throw jsonError(path, 'expected a 64-bit integer (a decimal string or a number)', v);
    const ok = signed ? b >= -(1n << 63n) && b < 1n << 63n : b >= 0n && b <= U64_MASK;
    if (!ok) throw jsonError(path, `out of range for a ${signed ? 'signed' : 'unsigned'} 64-bit integer`, v);
    return b;
  },
  float(v, path) {
    if (typeof v === 'number') return v;
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    throw jsonError(path, 'expected a number', v);
  },
  bytes(v, path) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw jsonError(path, 'expected base64', v);
    return Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  },
  enumValue(v, path, enumObject, enumName) {
    if (typeof v === 'string') {
      const n = enumObject[v];
      if (typeof n === 'number' && Object.prototype.hasOwnProperty.call(enumObject, v)) return n;
      throw jsonError(path, `expected a ${enumName} name`, v);
    }
    if (typeof v === 'number' && Number.isInteger(v)) return json.int32(v, path);
    throw jsonError(path, `expected a ${enumName} name or number`, v);
  },
  object(v, path, typeName) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw jsonError(path, `expected an object (${typeName})`, v);
    return v;
  },
  array(v, path) {
    if (!Array.isArray(v)) throw jsonError(path, 'expected an array', v);
    return v;
  },
  unknown(key, path, typeName) {
    return new TypeError(`${path}: ${typeName} has no field ${JSON.stringify(key)}`);
  },

  // Printing
  int64Out(v) {
    return typeof v === 'bigint' ? v.toString() : toBigInt(v).toString();
  },
  floatOut(v) {
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    return v;
  },
  bytesOut(v) {
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  },
  enumOut(v, enumObject) {
    const name = enumObject[v];
    return typeof name === 'string' ? name : v;
  },
};

/** Builds a frozen TypeScript-style enum object (name -> number and number -> name). */
function makeEnum(pairs) {
  const e = {};
  for (const [name, value] of pairs) e[name] = value;
  for (const [name, value] of pairs) if (!(value in e) || typeof e[value] !== 'string') e[value] = name;
  return Object.freeze(e);
}

/** A fresh empty bytes value (the default of a bytes field). */
function EMPTY_BYTES() {
  return Buffer.alloc(0);
}

/** The `whichX(message)` helper of a oneof: the name of its member that is set, or undefined. */
function whichOneof(members) {
  return (message) => {
    if (message == null) return undefined;
    for (const name of members) if (message[name] != null) return name;
    return undefined;
  };
}

/**
 * The public object of a generated message type. The generated per-field
 * functions stay reachable as $encode, $decode, ... for other generated modules.
 */
function messageType(spec) {
  const { typeName, defaults, encode, decode, toJSON, fromJSON, check } = spec;
  const type = {
    typeName,
    create(init) {
      const m = defaults();
      if (init != null) {
        for (const key of Object.keys(init)) if (init[key] !== undefined) m[key] = init[key];
      }
      return m;
    },
    encode(message) {
      const w = new Writer();
      encode(message == null ? {} : message, w);
      return w.finish();
    },
    decode(bytes) {
      const r = new Reader(bytes);
      return decode(r, r.len);
    },
    toJSON(message) {
      return toJSON(message == null ? {} : message);
    },
    fromJSON(value) {
      return fromJSON(value == null ? {} : value, typeName);
    },
    findInvalidString(message) {
      const found = message == null ? null : check(message, '');
      return found === null ? null : { field: found[0], problem: found[1] };
    },
  };
  for (const [key, value] of Object.entries(spec)) {
    if (key.startsWith('which')) type[key] = value;
  }
  Object.defineProperties(type, {
    $encode: { value: encode },
    $decode: { value: decode },
    $toJSON: { value: toJSON },
    $fromJSON: { value: fromJSON },
    $check: { value: check },
  });
  return Object.freeze(type);
}

module.exports = { Writer, Reader, DecodeError, toBigInt, isZero64, stringProblem, json, makeEnum, messageType, whichOneof, EMPTY_BYTES };

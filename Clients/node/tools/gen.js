#!/usr/bin/env node
'use strict';
// The code generator of the Node client: reads a FileDescriptorSet (protoc
// --descriptor_set_out --include_imports --include_source_info) and writes, per
// .proto file, a CommonJS module (messages with encode/decode/toJSON/fromJSON,
// enums, and a client class per service) with its .d.ts, plus index.js/.d.ts.
//
//   node tools/gen.js DESCRIPTOR_SET OUTDIR
//
// Use ./gen, which runs protoc over Protos/ first. The output depends only on
// the descriptor set, so it is deterministic.

const fs = require('fs');
const path = require('path');
const { Reader } = require('../lib/protobuf.js');

// ------------------------------------------------------------------ descriptor.proto, just what is used

// field number -> [name, kind, repeated]; kind: 'string' | 'varint' | 'bool' | 'packed-varint' | schema object
const S = {};
S.FileDescriptorSet = { 1: ['file', 'FileDescriptorProto', true] };
S.FileDescriptorProto = {
  1: ['name', 'string'],
  2: ['package', 'string'],
  3: ['dependency', 'string', true],
  4: ['messageType', 'DescriptorProto', true],
  5: ['enumType', 'EnumDescriptorProto', true],
  6: ['service', 'ServiceDescriptorProto', true],
  9: ['sourceCodeInfo', 'SourceCodeInfo'],
  12: ['syntax', 'string'],
};
S.DescriptorProto = {
  1: ['name', 'string'],
  2: ['field', 'FieldDescriptorProto', true],
  3: ['nestedType', 'DescriptorProto', true],
  4: ['enumType', 'EnumDescriptorProto', true],
  6: ['extension', 'FieldDescriptorProto', true],
  7: ['options', 'MessageOptions'],
  8: ['oneofDecl', 'OneofDescriptorProto', true],
};
S.MessageOptions = { 7: ['mapEntry', 'bool'] };
S.FieldDescriptorProto = {
  1: ['name', 'string'],
  3: ['number', 'varint'],
  4: ['label', 'varint'],
  5: ['type', 'varint'],
  6: ['typeName', 'string'],
  7: ['defaultValue', 'string'],
  8: ['options', 'FieldOptions'],
  9: ['oneofIndex', 'varint'],
  10: ['jsonName', 'string'],
  17: ['proto3Optional', 'bool'],
};
S.FieldOptions = { 2: ['packed', 'bool'] };
S.OneofDescriptorProto = { 1: ['name', 'string'] };
S.EnumDescriptorProto = { 1: ['name', 'string'], 2: ['value', 'EnumValueDescriptorProto', true] };
S.EnumValueDescriptorProto = { 1: ['name', 'string'], 2: ['number', 'varint'] };
S.ServiceDescriptorProto = { 1: ['name', 'string'], 2: ['method', 'MethodDescriptorProto', true] };
S.MethodDescriptorProto = {
  1: ['name', 'string'],
  2: ['inputType', 'string'],
  3: ['outputType', 'string'],
  5: ['clientStreaming', 'bool'],
  6: ['serverStreaming', 'bool'],
};
S.SourceCodeInfo = { 1: ['location', 'Location', true] };
S.Location = { 1: ['path', 'packed-varint'], 3: ['leadingComments', 'string'] };

function decodeAs(schemaName, r, end) {
  const schema = S[schemaName];
  const out = {};
  for (const spec of Object.values(schema)) if (spec[2] || spec[1] === 'packed-varint') out[spec[0]] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    const spec = schema[tag >>> 3];
    if (!spec) {
      r.skip(tag & 7, tag >>> 3);
      continue;
    }
    const [name, kind, repeated] = spec;
    let value;
    if (kind === 'string') value = r.string();
    else if (kind === 'varint') value = r.int32();
    else if (kind === 'bool') value = r.bool();
    else if (kind === 'packed-varint') {
      if ((tag & 7) === 2) {
        const e = r.end();
        while (r.pos < e) out[name].push(r.int32());
      } else out[name].push(r.int32());
      continue;
    } else value = decodeAs(kind, r, r.end());
    if (repeated) out[name].push(value);
    else out[name] = value;
  }
  if (r.pos !== end) throw new Error(`malformed descriptor set (${schemaName})`);
  return out;
}

// ------------------------------------------------------------------ model

const T = {
  DOUBLE: 1, FLOAT: 2, INT64: 3, UINT64: 4, INT32: 5, FIXED64: 6, FIXED32: 7, BOOL: 8, STRING: 9,
  GROUP: 10, MESSAGE: 11, BYTES: 12, UINT32: 13, ENUM: 14, SFIXED32: 15, SFIXED64: 16, SINT32: 17, SINT64: 18,
};
const LABEL_REPEATED = 3;

// per scalar type: protobuf wire type, Writer/Reader method, TypeScript type, default literal, kind of default test
const SCALARS = {
  [T.DOUBLE]: { wire: 1, method: 'double', ts: 'number', zero: '0', test: 'num', json: 'float' },
  [T.FLOAT]: { wire: 5, method: 'float', ts: 'number', zero: '0', test: 'num', json: 'float' },
  [T.INT64]: { wire: 0, method: 'int64', ts: 'bigint', zero: '0n', test: '64', json: 'int64s' },
  [T.UINT64]: { wire: 0, method: 'uint64', ts: 'bigint', zero: '0n', test: '64', json: 'int64u' },
  [T.INT32]: { wire: 0, method: 'int32', ts: 'number', zero: '0', test: 'num', json: 'int32' },
  [T.FIXED64]: { wire: 1, method: 'fixed64', ts: 'bigint', zero: '0n', test: '64', json: 'int64u' },
  [T.FIXED32]: { wire: 5, method: 'fixed32', ts: 'number', zero: '0', test: 'num', json: 'uint32' },
  [T.BOOL]: { wire: 0, method: 'bool', ts: 'boolean', zero: 'false', test: 'bool', json: 'bool' },
  [T.STRING]: { wire: 2, method: 'string', ts: 'string', zero: "''", test: 'str', json: 'string' },
  [T.BYTES]: { wire: 2, method: 'bytes', ts: 'Uint8Array', zero: '$pb.EMPTY_BYTES()', test: 'bytes', json: 'bytes' },
  [T.UINT32]: { wire: 0, method: 'uint32', ts: 'number', zero: '0', test: 'num', json: 'uint32' },
  [T.ENUM]: { wire: 0, method: 'int32', ts: null, zero: '0', test: 'num', json: 'enum' },
  [T.SFIXED32]: { wire: 5, method: 'sfixed32', ts: 'number', zero: '0', test: 'num', json: 'int32' },
  [T.SFIXED64]: { wire: 1, method: 'sfixed64', ts: 'bigint', zero: '0n', test: '64', json: 'int64s' },
  [T.SINT32]: { wire: 0, method: 'sint32', ts: 'number', zero: '0', test: 'num', json: 'int32' },
  [T.SINT64]: { wire: 0, method: 'sint64', ts: 'bigint', zero: '0n', test: '64', json: 'int64s' },
};

function jsonNameOf(name) {
  // protoc's ToJsonName: drop underscores, capitalizing the letter after each.
  let out = '';
  let upper = false;
  for (const c of name) {
    if (c === '_') upper = true;
    else if (upper) {
      out += c.toUpperCase();
      upper = false;
    } else out += c;
  }
  return out;
}

function lowerCamel(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function upperCamel(name) {
  const j = jsonNameOf(name);
  return j.charAt(0).toUpperCase() + j.slice(1);
}

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval'.split(' ')
);

function commentsOf(file) {
  const map = new Map();
  const info = file.sourceCodeInfo;
  if (info) for (const loc of info.location) if (loc.leadingComments) map.set(loc.path.join('.'), loc.leadingComments);
  return map;
}

function jsdoc(text, indent = '', extra = []) {
  const lines = [];
  if (text) {
    const body = text.replace(/\*\//g, '*\\/').replace(/\s+$/, '').split('\n').map((l) => l.replace(/^ /, '').replace(/\s+$/, ''));
    lines.push(...body);
  }
  if (extra.length) {
    if (lines.length) lines.push('');
    lines.push(...extra);
  }
  if (!lines.length) return '';
  return `${indent}/**\n${lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)).join('\n')}\n${indent} */\n`;
}

/** Loads every file, message and enum of the set, indexed by full name. */
function buildModel(set) {
  const files = [];
  const types = new Map(); // '.pkg.Name' -> { kind: 'message'|'enum', file, jsName, fullName, desc }
  for (const fd of set.file) {
    if (fd.syntax !== 'proto3') throw new Error(`${fd.name}: only proto3 files are supported (syntax "${fd.syntax || 'proto2'}")`);
    const file = { desc: fd, name: fd.name, pkg: fd.package || '', messages: [], enums: [], services: fd.service, comments: commentsOf(fd) };
    const prefix = file.pkg ? `.${file.pkg}.` : '.';
    const addEnum = (ed, scope, jsScope, docPath) => {
      const t = { kind: 'enum', file, desc: ed, fullName: (prefix + scope + ed.name).slice(1), jsName: jsScope + ed.name, doc: file.comments.get(docPath), docPath };
      types.set(prefix + scope + ed.name, t);
      file.enums.push(t);
    };
    const addMessage = (md, scope, jsScope, docPath) => {
      if (md.options && md.options.mapEntry) throw new Error(`${fd.name}: map fields are not supported (${md.name})`);
      const t = { kind: 'message', file, desc: md, fullName: (prefix + scope + md.name).slice(1), jsName: jsScope + md.name, doc: file.comments.get(docPath), docPath };
      types.set(prefix + scope + md.name, t);
      file.messages.push(t);
      md.enumType.forEach((ed, i) => addEnum(ed, `${scope}${md.name}.`, `${jsScope}${md.name}_`, `${docPath}.4.${i}`));
      md.nestedType.forEach((nd, i) => addMessage(nd, `${scope}${md.name}.`, `${jsScope}${md.name}_`, `${docPath}.3.${i}`));
    };
    fd.enumType.forEach((ed, i) => addEnum(ed, '', '', `5.${i}`));
    fd.messageType.forEach((md, i) => addMessage(md, '', '', `4.${i}`));
    files.push(file);
  }
  // Every exported name of a package must be unique (the package index re-exports them all).
  const exported = new Map();
  const claim = (pkg, name, what) => {
    const key = `${pkg}:${name}`;
    if (exported.has(key)) throw new Error(`${what} would export ${name}, which ${exported.get(key)} already exports`);
    exported.set(key, what);
  };
  for (const file of files) {
    for (const t of [...file.enums, ...file.messages]) claim(file.pkg, t.jsName, t.fullName);
    for (const t of file.messages) claim(file.pkg, `${t.jsName}Init`, `${t.fullName} (its Init type)`);
    for (const svc of file.services) {
      claim(file.pkg, `${svc.name}Client`, `service ${svc.name}`);
      claim(file.pkg, `${svc.name}Methods`, `service ${svc.name}`);
    }
  }
  for (const file of files) {
    for (const msg of file.messages) {
      const md = msg.desc;
      msg.fields = md.field.map((f, i) => {
        if (f.type === T.GROUP) throw new Error(`${msg.fullName}.${f.name}: groups are not supported`);
        if (f.label === 2) throw new Error(`${msg.fullName}.${f.name}: required fields are not supported`);
        const field = {
          name: f.name,
          number: f.number,
          type: f.type,
          repeated: f.label === LABEL_REPEATED,
          jsName: f.jsonName || jsonNameOf(f.name),
          jsonName: f.jsonName || jsonNameOf(f.name),
          doc: file.comments.get(`${msg.docPath}.2.${i}`),
          ref: null,
          oneof: null,
          presence: false,
        };
        if (f.type === T.MESSAGE || f.type === T.ENUM) {
          field.ref = types.get(f.typeName);
          if (!field.ref) throw new Error(`${msg.fullName}.${f.name}: unknown type ${f.typeName}`);
        }
        if (f.oneofIndex !== undefined && !f.proto3Optional) field.oneof = md.oneofDecl[f.oneofIndex].name;
        field.presence = field.oneof !== null || !!f.proto3Optional || (f.type === T.MESSAGE && !field.repeated);
        field.packed = field.repeated && f.type !== T.STRING && f.type !== T.BYTES && f.type !== T.MESSAGE && !(f.options && f.options.packed === false);
        return field;
      });
      const names = new Set();
      for (const f of msg.fields) {
        if (names.has(f.jsName)) throw new Error(`${msg.fullName}: two fields map to ${f.jsName}`);
        names.add(f.jsName);
      }
      msg.oneofs = [];
      for (const f of msg.fields) {
        if (!f.oneof) continue;
        let o = msg.oneofs.find((x) => x.name === f.oneof);
        if (!o) msg.oneofs.push((o = { name: f.oneof, fields: [] }));
        o.fields.push(f);
      }
    }
  }
  return { files, types };
}

function hasStrings(msg, memo = new Map()) {
  if (memo.has(msg)) return memo.get(msg);
  memo.set(msg, false); // cycles: assume no until proven
  let found = false;
  for (const f of msg.fields) {
    if (f.type === T.STRING) found = true;
    else if (f.type === T.MESSAGE && hasStrings(f.ref, memo)) found = true;
  }
  memo.set(msg, found);
  return found;
}

// ------------------------------------------------------------------ emitting one file

function moduleBase(protoName) {
  return protoName.replace(/\.proto$/, '');
}

function relativeRequire(fromProto, toModule) {
  let rel = path.posix.relative(path.posix.dirname(fromProto), toModule);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

function tag(number, wire) {
  return (number << 3) | wire;
}

class FileEmitter {
  constructor(file, model) {
    this.file = file;
    this.model = model;
    this.base = moduleBase(file.name);
    this.imports = new Map(); // module path -> alias
    this.stringMemo = new Map();
  }

  /** The JS expression naming a type (local, or through its module's alias). */
  ref(t) {
    if (t.file === this.file) return t.jsName;
    return `${this.alias(t.file)}.${t.jsName}`;
  }

  alias(file) {
    const mod = moduleBase(file.name);
    if (!this.imports.has(mod)) {
      let alias = `$${path.posix.basename(mod).replace(/[^A-Za-z0-9_$]/g, '_')}`;
      const taken = new Set(this.imports.values());
      for (let i = 2; taken.has(alias); i++) alias = `${alias.replace(/\d+$/, '')}${i}`;
      this.imports.set(mod, alias);
    }
    return this.imports.get(mod);
  }

  fn(t, what) {
    return t.file === this.file ? `${t.jsName}$${what}` : `${this.ref(t)}.$${what}`;
  }

  emitJS() {
    const out = [];
    for (const e of this.file.enums) out.push(this.enumJS(e));
    for (const m of this.file.messages) out.push(this.messageJS(m));
    for (const s of this.file.services) out.push(this.serviceJS(s));
    const exportsList = [
      ...this.file.enums.map((e) => e.jsName),
      ...this.file.messages.map((m) => m.jsName),
      ...this.file.services.flatMap((s) => [`${s.name}Client`, `${s.name}Methods`]),
    ];
    // lib/ sits next to generated/: from generated/qbsync/v1/x.js it is ../../../lib
    const up = '../'.repeat(this.file.name.split('/').length);
    const head = [`// Generated by Clients/node/gen from ${this.file.name}. DO NOT EDIT.`, "'use strict';", ''];
    if (this.file.enums.length || this.file.messages.length) head.push(`const $pb = require('${up}lib/protobuf.js');`);
    if (this.file.services.length) head.push(`const $client = require('${up}lib/client.js');`);
    const body = out.join('\n');
    for (const [mod, alias] of [...this.imports].sort((a, b) => a[1].localeCompare(b[1]))) {
      head.push(`const ${alias} = require('${relativeRequire(this.base, mod)}.js');`);
    }
    return `${head.join('\n')}\n\n${body}\nmodule.exports = {\n${exportsList.map((n) => `  ${n},`).join('\n')}\n};\n`;
  }

  enumJS(e) {
    const pairs = e.desc.value.map((v) => `  ['${v.name}', ${v.number}],`).join('\n');
    return `// enum ${e.fullName}\nconst ${e.jsName} = $pb.makeEnum([\n${pairs}\n]);\n`;
  }

  defaults(m) {
    const parts = [];
    for (const f of m.fields) {
      if (f.repeated) parts.push(`${f.jsName}: []`);
      else if (!f.presence) parts.push(`${f.jsName}: ${SCALARS[f.type].zero}`);
    }
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }

  notDefault(f, v) {
    switch (SCALARS[f.type].test) {
      case 'str':
        return `${v} !== ''`;
      case 'bool':
        return `${v} === true`;
      case 'bytes':
        return `${v}.length !== 0`;
      case '64':
        return `!$pb.isZero64(${v})`;
      default:
        return `${v} !== 0`;
    }
  }

  messageJS(m) {
    const N = m.jsName;
    const L = [];
    L.push(`// message ${m.fullName}`);
    // encode
    L.push(`function ${N}$encode(m, w) {`);
    if (m.fields.length) L.push('  let v;');
    for (const f of [...m.fields].sort((a, b) => a.number - b.number)) {
      const get = `(v = m.${f.jsName}) != null`;
      if (f.type === T.MESSAGE) {
        const t = tag(f.number, 2);
        const enc = this.fn(f.ref, 'encode');
        if (f.repeated) {
          L.push(`  if (${get}) for (let i = 0; i < v.length; i++) { w.uint32(${t}); w.fork(); ${enc}(v[i], w); w.ldelim(); }`);
        } else {
          L.push(`  if (${get}) { w.uint32(${t}); w.fork(); ${enc}(v, w); w.ldelim(); }`);
        }
        continue;
      }
      const s = SCALARS[f.type];
      if (f.repeated && f.packed) {
        L.push(`  if (${get} && v.length !== 0) { w.uint32(${tag(f.number, 2)}); w.fork(); for (let i = 0; i < v.length; i++) w.${s.method}(v[i]); w.ldelim(); }`);
      } else if (f.repeated) {
        L.push(`  if (${get}) for (let i = 0; i < v.length; i++) { w.uint32(${tag(f.number, s.wire)}); w.${s.method}(v[i]); }`);
      } else if (f.presence) {
        L.push(`  if (${get}) { w.uint32(${tag(f.number, s.wire)}); w.${s.method}(v); }`);
      } else {
        L.push(`  if (${get} && ${this.notDefault(f, 'v')}) { w.uint32(${tag(f.number, s.wire)}); w.${s.method}(v); }`);
      }
    }
    L.push('}');
    // decode
    L.push(`function ${N}$decode(r, end) {`);
    L.push(`  const m = ${this.defaults(m)};`);
    L.push('  while (r.pos < end) {');
    L.push('    const t = r.uint32();');
    L.push('    switch (t) {');
    for (const f of m.fields) {
      const clear = f.oneof
        ? m.oneofs
            .find((o) => o.name === f.oneof)
            .fields.filter((x) => x !== f)
            .map((x) => ` if (m.${x.jsName} !== undefined) delete m.${x.jsName};`)
            .join('')
        : '';
      if (f.type === T.MESSAGE) {
        const dec = `${this.fn(f.ref, 'decode')}(r, r.end())`;
        const set = f.repeated ? `m.${f.jsName}.push(${dec});` : `m.${f.jsName} = ${dec};`;
        L.push(`      case ${tag(f.number, 2)}: ${set}${clear} break;`);
        continue;
      }
      const s = SCALARS[f.type];
      if (f.repeated) {
        L.push(`      case ${tag(f.number, s.wire)}: m.${f.jsName}.push(r.${s.method}()); break;`);
        if (s.wire !== 2) {
          L.push(`      case ${tag(f.number, 2)}: { const e = r.end(); while (r.pos < e) m.${f.jsName}.push(r.${s.method}()); r.done(e, '${m.fullName}.${f.name}'); break; }`);
        }
      } else {
        L.push(`      case ${tag(f.number, s.wire)}: m.${f.jsName} = r.${s.method}();${clear} break;`);
      }
    }
    L.push('      default:');
    L.push('        if (t >>> 3 === 0) throw new $pb.DecodeError(\'field number 0\');');
    L.push('        r.skip(t & 7, t >>> 3);');
    L.push('    }');
    L.push('  }');
    L.push(`  r.done(end, '${m.fullName}');`);
    L.push('  return m;');
    L.push('}');
    // toJSON
    L.push(`function ${N}$toJSON(m) {`);
    L.push('  const o = {};');
    if (m.fields.length) L.push('  let v;');
    for (const f of m.fields) {
      const conv = (x) => this.jsonOut(f, x);
      const get = `(v = m.${f.jsName}) != null`;
      if (f.repeated) {
        const simple = conv('e') === 'e';
        L.push(`  if (${get} && v.length !== 0) o.${f.jsonName} = ${simple ? 'v.slice()' : `v.map((e) => ${conv('e')})`};`);
      } else if (f.presence) {
        L.push(`  if (${get}) o.${f.jsonName} = ${conv('v')};`);
      } else {
        L.push(`  if (${get} && ${this.notDefault(f, 'v')}) o.${f.jsonName} = ${conv('v')};`);
      }
    }
    L.push('  return o;');
    L.push('}');
    // fromJSON
    L.push(`function ${N}$fromJSON(o, path) {`);
    L.push(`  $pb.json.object(o, path, '${m.fullName}');`);
    L.push(`  const m = ${this.defaults(m)};`);
    L.push('  for (const k of Object.keys(o)) {');
    L.push('    const v = o[k];');
    L.push('    switch (k) {');
    for (const f of m.fields) {
      const labels = [...new Set([f.jsonName, f.name])].map((n) => `case '${n}':`).join(' ');
      const p = `path + '.${f.jsonName}'`;
      let expr;
      if (f.repeated) {
        expr = `$pb.json.array(v, ${p}).map((e, i) => ${this.jsonIn(f, 'e', `${p} + '[' + i + ']'`)})`;
      } else {
        expr = this.jsonIn(f, 'v', p);
      }
      const clear = f.oneof
        ? m.oneofs
            .find((o) => o.name === f.oneof)
            .fields.filter((x) => x !== f)
            .map((x) => ` if (m.${x.jsName} !== undefined) throw new TypeError(${p} + ': only one field of oneof ${f.oneof} may be set');`)
            .join('')
        : '';
      L.push(`      ${labels} if (v !== null) {${clear} m.${f.jsName} = ${expr}; } break;`);
    }
    L.push(`      default: throw $pb.json.unknown(k, path, '${m.fullName}');`);
    L.push('    }');
    L.push('  }');
    L.push('  return m;');
    L.push('}');
    // check (strings the server would refuse)
    L.push(`function ${N}$check(m, prefix) {`);
    if (hasStrings(m, this.stringMemo)) {
      L.push('  let v, p;');
      for (const f of [...m.fields].sort((a, b) => a.number - b.number)) {
        if (f.type === T.STRING) {
          if (f.repeated) {
            L.push(`  if ((v = m.${f.jsName}) != null) for (let i = 0; i < v.length; i++) if ((p = $pb.stringProblem(v[i])) !== null) return [prefix + '${f.name}[' + i + ']', p];`);
          } else {
            L.push(`  if ((v = m.${f.jsName}) != null && (p = $pb.stringProblem(v)) !== null) return [prefix + '${f.name}', p];`);
          }
        } else if (f.type === T.MESSAGE && hasStrings(f.ref, this.stringMemo)) {
          const chk = this.fn(f.ref, 'check');
          if (f.repeated) {
            L.push(`  if ((v = m.${f.jsName}) != null) for (let i = 0; i < v.length; i++) if (v[i] != null && (p = ${chk}(v[i], prefix + '${f.name}[' + i + '].')) !== null) return p;`);
          } else {
            L.push(`  if ((v = m.${f.jsName}) != null && (p = ${chk}(v, prefix + '${f.name}.')) !== null) return p;`);
          }
        }
      }
    }
    L.push('  return null;');
    L.push('}');
    // the public type object
    const helpers = m.oneofs.map((o) => {
      const names = o.fields.map((f) => `'${f.jsName}'`).join(', ');
      return `  which${upperCamel(o.name)}: $pb.whichOneof([${names}]),`;
    });
    L.push(`const ${N} = $pb.messageType({`);
    L.push(`  typeName: '${m.fullName}',`);
    L.push(`  defaults: () => (${this.defaults(m)}),`);
    L.push(`  encode: ${N}$encode,`);
    L.push(`  decode: ${N}$decode,`);
    L.push(`  toJSON: ${N}$toJSON,`);
    L.push(`  fromJSON: ${N}$fromJSON,`);
    L.push(`  check: ${N}$check,`);
    L.push(...helpers);
    L.push('});');
    return `${L.join('\n')}\n`;
  }

  jsonOut(f, x) {
    if (f.type === T.MESSAGE) return `${this.fn(f.ref, 'toJSON')}(${x})`;
    switch (SCALARS[f.type].json) {
      case 'enum':
        return `$pb.json.enumOut(${x}, ${this.ref(f.ref)})`;
      case 'int64s':
      case 'int64u':
        return `$pb.json.int64Out(${x})`;
      case 'float':
        return `$pb.json.floatOut(${x})`;
      case 'bytes':
        return `$pb.json.bytesOut(${x})`;
      default:
        return x;
    }
  }

  jsonIn(f, x, p) {
    if (f.type === T.MESSAGE) return `${this.fn(f.ref, 'fromJSON')}(${x}, ${p})`;
    const kind = SCALARS[f.type].json;
    switch (kind) {
      case 'enum':
        return `$pb.json.enumValue(${x}, ${p}, ${this.ref(f.ref)}, '${f.ref.fullName}')`;
      case 'int64s':
        return `$pb.json.int64(${x}, ${p}, true)`;
      case 'int64u':
        return `$pb.json.int64(${x}, ${p}, false)`;
      default:
        return `$pb.json.${kind}(${x}, ${p})`;
    }
  }

  methodsOf(s) {
    return s.method.map((md) => {
      if (md.clientStreaming) throw new Error(`${s.name}.${md.name}: client streaming is not supported by the protocol`);
      const req = this.model.types.get(md.inputType);
      const res = this.model.types.get(md.outputType);
      return { md, req, res, jsName: lowerCamel(md.name) };
    });
  }

  serviceJS(s) {
    const full = this.file.pkg ? `${this.file.pkg}.${s.name}` : s.name;
    const methods = this.methodsOf(s);
    const L = [];
    L.push(`// service ${full}`);
    L.push(`const ${s.name}Methods = Object.freeze({`);
    for (const m of methods) {
      L.push(`  ${m.md.name}: Object.freeze({`);
      L.push(`    name: '${m.md.name}',`);
      L.push(`    jsName: '${m.jsName}',`);
      L.push(`    path: '/${full}/${m.md.name}',`);
      L.push(`    requestType: ${this.ref(m.req)},`);
      L.push(`    responseType: ${this.ref(m.res)},`);
      L.push(`    serverStreaming: ${!!m.md.serverStreaming},`);
      L.push('  }),');
    }
    L.push('});');
    L.push(`class ${s.name}Client extends $client.BaseClient {`);
    methods.forEach((m, i) => {
      if (RESERVED.has(m.jsName)) throw new Error(`${s.name}.${m.md.name}: ${m.jsName} is a reserved word`);
      if (i) L.push('');
      const call = m.md.serverStreaming ? 'serverStreamingCall' : 'unaryCall';
      L.push(`  ${m.jsName}(request, options) {`);
      L.push(`    return this.${call}(${s.name}Methods.${m.md.name}, request, options);`);
      L.push('  }');
    });
    L.push('}');
    return `${L.join('\n')}\n`;
  }

  // -------------------------------------------------------------- .d.ts

  tsType(f) {
    let t;
    if (f.type === T.MESSAGE || f.type === T.ENUM) t = this.tsRef(f.ref);
    else t = SCALARS[f.type].ts;
    return f.repeated ? `${t}[]` : t;
  }

  tsRef(t) {
    if (t.file === this.file) return t.jsName;
    const alias = this.alias(t.file);
    return `${alias}.${t.jsName}`;
  }

  emitDTS() {
    this.imports = new Map();
    const out = [];
    for (const e of this.file.enums) {
      out.push(jsdoc(e.doc) + `export declare enum ${e.jsName} {\n` +
        e.desc.value.map((v, i) => jsdoc(this.file.comments.get(`${e.docPath}.2.${i}`), '  ') + `  ${v.name} = ${v.number},`).join('\n') + '\n}\n');
    }
    for (const m of this.file.messages) {
      const fields = m.fields.map((f) => {
        const optional = f.presence && !f.repeated ? '?' : '';
        const notes = [];
        if (f.oneof) notes.push(`Member of oneof \`${f.oneof}\` (set at most one).`);
        if (SCALARS[f.type] && SCALARS[f.type].ts === 'bigint') notes.push(`${f.type === T.UINT64 || f.type === T.FIXED64 ? 'uint64' : 'int64'}: a bigint (JSON: a decimal string).`);
        return jsdoc(f.doc, '  ', notes) + `  ${f.jsName}${optional}: ${this.tsType(f)};`;
      });
      out.push(jsdoc(m.doc, '', [`Protobuf message \`${m.fullName}\`.`]) + `export interface ${m.jsName} {\n${fields.join('\n')}${fields.length ? '\n' : ''}}\n`);
      out.push(`/** Init form of {@link ${m.jsName}}: every field optional, 64-bit integers also as number or string. */\nexport type ${m.jsName}Init = $pb.MessageInit<${m.jsName}>;\n`);
      const helpers = m.oneofs.map((o) => {
        const union = o.fields.map((f) => `'${f.jsName}'`).join(' | ');
        return `  /** Which member of oneof \`${o.name}\` is set, or undefined. */\n  which${upperCamel(o.name)}(message: $pb.MessageInit<${m.jsName}>): ${union} | undefined;\n`;
      });
      out.push(`/** Codec and helpers of \`${m.fullName}\`. */\nexport declare const ${m.jsName}: $pb.MessageType<${m.jsName}>${helpers.length ? ` & {\n${helpers.join('')}}` : ''};\n`);
    }
    for (const s of this.file.services) {
      const si = this.file.services.indexOf(s);
      const full = this.file.pkg ? `${this.file.pkg}.${s.name}` : s.name;
      const methods = this.methodsOf(s);
      const L = [];
      L.push(`/** The methods of \`${full}\`, by proto name: path, request and response types. */`);
      L.push(`export declare const ${s.name}Methods: {`);
      for (const m of methods) {
        L.push(`  readonly ${m.md.name}: $client.MethodDescriptor<${this.tsRef(m.req)}, ${this.tsRef(m.res)}>;`);
      }
      L.push('};');
      L.push('');
      L.push(jsdoc(this.file.comments.get(`6.${si}`), '', [`Client of \`${full}\`: one method per RPC. See BaseClient for options and errors.`]).trimEnd());
      L.push(`export declare class ${s.name}Client extends $client.BaseClient {`);
      methods.forEach((m, k) => {
        const doc = this.file.comments.get(`6.${si}.2.${k}`);
        const reqT = this.tsRef(m.req);
        const resT = this.tsRef(m.res);
        if (m.md.serverStreaming) {
          L.push(jsdoc(doc, '  ', [`Server-streaming \`/${full}/${m.md.name}\`: the call starts at once; iterate with \`for await\`, cancel with \`.cancel()\` or \`break\`.`]).trimEnd());
          L.push(`  ${m.jsName}(request?: $pb.MessageInit<${reqT}> | null, options?: $client.StreamOptions): $client.ResponseStream<${resT}>;`);
        } else {
          L.push(jsdoc(doc, '  ', [`Unary \`/${full}/${m.md.name}\`. Rejects with RpcError on a non-OK status.`]).trimEnd());
          L.push(`  ${m.jsName}(request?: $pb.MessageInit<${reqT}> | null, options?: $client.CallOptions): Promise<${resT}>;`);
        }
      });
      L.push('}');
      out.push(`${L.join('\n')}\n`);
    }
    const depth = this.file.name.split('/').length;
    const head = [`// Generated by Clients/node/gen from ${this.file.name}. DO NOT EDIT.`, ''];
    head.push(`import type * as $pb from '${'../'.repeat(depth)}lib/protobuf';`);
    if (this.file.services.length) {
      head.push(`import * as $client from '${'../'.repeat(depth)}lib/client';`);
    }
    for (const [mod, alias] of [...this.imports].sort((a, b) => a[1].localeCompare(b[1]))) {
      head.push(`import * as ${alias} from '${relativeRequire(this.base, mod)}';`);
    }
    return `${head.join('\n')}\n\n${out.join('\n')}`;
  }
}

// ------------------------------------------------------------------ index

function emitIndex(model, outputs) {
  const pkgs = new Map(); // pkg -> [file]
  for (const f of model.files) {
    if (!f.pkg) throw new Error(`${f.name}: files without a package are not supported`);
    if (path.posix.basename(f.name) === 'index.proto') throw new Error(`${f.name}: a file named index.proto would clash with the package index`);
    if (!pkgs.has(f.pkg)) pkgs.set(f.pkg, []);
    pkgs.get(f.pkg).push(f);
  }
  const pkgIds = [...pkgs.keys()].sort();
  // One index per package: everything of the package.
  for (const pkg of pkgIds) {
    const dir = pkg.replace(/\./g, '/');
    const files = pkgs.get(pkg).slice().sort((a, b) => (a.name < b.name ? -1 : 1));
    const rel = (f) => `./${path.posix.relative(dir, moduleBase(f.name))}`;
    outputs.set(
      `${dir}/index.js`,
      `// Generated by Clients/node/gen: everything of package ${pkg}. DO NOT EDIT.\n'use strict';\n\nmodule.exports = {\n${files.map((f) => `  ...require('${rel(f)}.js'),`).join('\n')}\n};\n`
    );
    outputs.set(
      `${dir}/index.d.ts`,
      `// Generated by Clients/node/gen: everything of package ${pkg}. DO NOT EDIT.\n\n${files.map((f) => `export * from '${rel(f)}';`).join('\n')}\n`
    );
  }
  const id = (pkg) => pkg.replace(/\./g, '_');
  const js = ['// Generated by Clients/node/gen. DO NOT EDIT.', "'use strict';", ''];
  const dts = ['// Generated by Clients/node/gen. DO NOT EDIT.', ''];
  for (const pkg of pkgIds) {
    js.push(`const ${id(pkg)} = require('./${pkg.replace(/\./g, '/')}/index.js');`);
    dts.push(`import * as ${id(pkg)} from './${pkg.replace(/\./g, '/')}/index';`);
  }
  const messages = [];
  const enums = [];
  for (const f of model.files) {
    for (const m of f.messages) messages.push([m.fullName, `${id(f.pkg)}.${m.jsName}`]);
    for (const e of f.enums) enums.push([e.fullName, `${id(f.pkg)}.${e.jsName}`]);
  }
  messages.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  enums.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  js.push('');
  js.push('/** Every message type, by full protobuf name (e.g. for StatusDetail.type). */');
  js.push(`const messageTypes = Object.freeze({\n${messages.map(([n, r]) => `  '${n}': ${r},`).join('\n')}\n});`);
  js.push('');
  js.push('/** Every enum, by full protobuf name. */');
  js.push(`const enumTypes = Object.freeze({\n${enums.map(([n, r]) => `  '${n}': ${r},`).join('\n')}\n});`);
  js.push('');
  js.push(`module.exports = { ${pkgIds.map(id).join(', ')}, messageTypes, enumTypes };`);
  dts.push('');
  dts.push(`export { ${pkgIds.map(id).join(', ')} };`);
  dts.push('');
  dts.push('/** Every message type, by full protobuf name (e.g. for StatusDetail.type). */');
  dts.push(`export declare const messageTypes: {\n${messages.map(([n, r]) => `  readonly '${n}': typeof ${r};`).join('\n')}\n};`);
  dts.push('');
  dts.push('/** Every enum, by full protobuf name. */');
  dts.push(`export declare const enumTypes: {\n${enums.map(([n, r]) => `  readonly '${n}': typeof ${r};`).join('\n')}\n};`);
  outputs.set('index.js', `${js.join('\n')}\n`);
  outputs.set('index.d.ts', `${dts.join('\n')}\n`);
}

// ------------------------------------------------------------------ main

function generate(descriptorSet) {
  const r = new Reader(descriptorSet);
  const set = decodeAs('FileDescriptorSet', r, r.len);
  const model = buildModel(set);
  const outputs = new Map();
  for (const file of model.files) {
    const emitter = new FileEmitter(file, model);
    const base = moduleBase(file.name);
    outputs.set(`${base}.js`, emitter.emitJS());
    outputs.set(`${base}.d.ts`, emitter.emitDTS());
  }
  emitIndex(model, outputs);
  return outputs;
}

const MARK = '// Generated by Clients/node/gen';

function main() {
  const [descriptorPath, outDir] = process.argv.slice(2);
  if (!descriptorPath || !outDir) {
    process.stderr.write('usage: gen.js DESCRIPTOR_SET OUTDIR\n');
    process.exit(2);
  }
  const outputs = generate(fs.readFileSync(descriptorPath));
  fs.mkdirSync(outDir, { recursive: true });
  // Remove generated files that would not be written again (a deleted .proto).
  const walk = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
  for (const existing of walk(outDir)) {
    const rel = path.relative(outDir, existing).split(path.sep).join('/');
    if (!outputs.has(rel) && /\.(js|d\.ts)$/.test(rel) && fs.readFileSync(existing, 'utf8').startsWith(MARK)) fs.unlinkSync(existing);
  }
  for (const [rel, text] of [...outputs].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const target = path.join(outDir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
}

if (require.main === module) main();

module.exports = { generate };

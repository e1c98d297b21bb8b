/**
 * Wire layout of an encoded PartialAggregate (all integers little-endian):
 *
 *   offset 0   4 bytes  magic "OCPP"
 *   offset 4   uint32   format version (VERSION in sections.ts)
 *   offset 8   uint32   header length H
 *   offset 12  H bytes  UTF-8 JSON header:
 *                         {"rowsIn":{pod,storage,nodeLabels,namespaceLabels},
 *                          "sections":[{"name":"pods","rows":N,"bytes":B}, ...]}
 *   then               one Arrow IPC stream per section, back to back, in header order.
 *
 * Arrow streams cannot hold tables of different schemas, hence one stream per section; the
 * header's byte lengths delimit them and its row counts let the reader detect a stream that
 * was cut at a message boundary (Arrow readers stop there silently).
 */
import type { PartialAggregate } from '@ocpsum/core';
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  type Data,
  type DataType,
} from 'apache-arrow';
import { CodecError } from './errors.js';
import { MAGIC, SECTIONS, VERSION, type AnyRow, type Kind, type Section, type SectionName } from './sections.js';

export interface SectionEntry {
  name: SectionName;
  rows: number;
  bytes: number;
}

export const PREFIX_BYTES = 12;

const utf8 = new TextEncoder();

export function encodePartial(p: PartialAggregate): Uint8Array {
  const bodies: Uint8Array[] = [];
  const sections: SectionEntry[] = [];
  for (const s of SECTIONS) {
    const rows = [...(p[s.name] as unknown as Map<string, AnyRow>).values()];
    const body = tableToIPC(sectionTable(s, rows), 'stream');
    bodies.push(body);
    sections.push({ name: s.name, rows: rows.length, bytes: body.length });
  }
  const header = utf8.encode(JSON.stringify({ rowsIn: p.rowsIn, sections }));
  const total = PREFIX_BYTES + header.length + bodies.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(utf8.encode(MAGIC), 0);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, PREFIX_BYTES);
  let at = PREFIX_BYTES + header.length;
  for (const b of bodies) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function sectionTable(s: Section<AnyRow>, rows: AnyRow[]): Table {
  const fields: Field[] = [];
  const children: Data[] = [];
  // Explicit dictionary ids (unique within a stream) keep the output deterministic; Arrow's
  // default is a process-wide counter.
  let dictId = 0;
  for (const [name, kind] of Object.entries(s.columns) as [string, Kind][]) {
    const data = kind.startsWith('num')
      ? numData(rows, name)
      : kind === 'bool'
        ? boolData(rows, name)
        : kind.startsWith('dict')
          ? dictData(rows, name, dictId++)
          : strData(rows, name);
    fields.push(new Field(name, data.type, kind.endsWith('?')));
    children.push(data);
  }
  const struct = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children });
  return new Table([new RecordBatch(new Schema(fields), struct)]);
}

/** Float64 values plus a validity bitmap, written directly: no builder, no boxing. */
function numData(rows: AnyRow[], name: string): Data<Float64> {
  const n = rows.length;
  const values = new Float64Array(n);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][name] as number | null;
    if (v === null) nulls++;
    else {
      values[i] = v;
      valid[i >> 3] |= 1 << (i & 7);
    }
  }
  return makeData({
    type: new Float64(),
    length: n,
    nullCount: nulls,
    data: values,
    nullBitmap: nulls ? valid : undefined,
  });
}

/** A bit per value; the field is not nullable, so a NULL (a bad partial) is refused here. */
function boolData(rows: AnyRow[], name: string): Data<Bool> {
  const n = rows.length;
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const v = rows[i][name];
    if (typeof v !== 'boolean') throw new CodecError(`cannot encode ${name} ${JSON.stringify(v)}: expected true or false`);
    if (v) bits[i >> 3] |= 1 << (i & 7);
  }
  return makeData({ type: new Bool(), length: n, nullCount: 0, data: bits });
}

/**
 * A lone UTF-16 surrogate cannot be written as UTF-8; Arrow would silently store U+FFFD and the
 * partial would no longer round-trip, so refuse it. (Paired surrogates are one code point in /u.)
 */
const LONE_SURROGATE = /\p{Cs}/u;

function checkText(v: string, name: string): void {
  if (LONE_SURROGATE.test(v)) throw new CodecError(`cannot encode ${name} ${JSON.stringify(v)}: lone UTF-16 surrogate`);
}

function strData(rows: AnyRow[], name: string): Data<Utf8> {
  const values = rows.map((r) => r[name] as string | null);
  for (const v of values) if (v !== null) checkText(v, name);
  return utf8Data(values);
}

/**
 * Utf8 offsets and bytes written directly with encodeInto: 2-3x faster than vectorFromArray's
 * builder on 50,000 strings (measured here), and always a single chunk.
 */
function utf8Data(values: (string | null)[]): Data<Utf8> {
  const n = values.length;
  let capacity = 0;
  for (const v of values) if (v !== null) capacity += v.length * 3; // UTF-8 bytes <= 3 per UTF-16 unit
  const bytes = new Uint8Array(capacity);
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array((n + 7) >> 3);
  let at = 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) nulls++;
    else {
      at += utf8.encodeInto(v, bytes.subarray(at)).written;
      valid[i >> 3] |= 1 << (i & 7);
    }
    offsets[i + 1] = at;
  }
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount: nulls,
    nullBitmap: nulls ? valid : undefined,
    valueOffsets: offsets,
    data: bytes.subarray(0, at),
  });
}

function dictData(rows: AnyRow[], name: string, id: number): Data<DataType> {
  const n = rows.length;
  const indices = new Int32Array(n);
  const valid = new Uint8Array((n + 7) >> 3);
  const seen = new Map<string, number>();
  const distinct: string[] = [];
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = rows[i][name] as string | null;
    if (v === null) {
      nulls++;
      continue;
    }
    let at = seen.get(v);
    if (at === undefined) {
      at = distinct.length;
      checkText(v, name);
      seen.set(v, at);
      distinct.push(v);
    }
    indices[i] = at;
    valid[i >> 3] |= 1 << (i & 7);
  }
  return makeData({
    type: new Dictionary(new Utf8(), new Int32(), id),
    length: n,
    nullCount: nulls,
    data: indices,
    nullBitmap: nulls ? valid : undefined,
    dictionary: makeVector(utf8Data(distinct)),
  });
}

import { addRowCounts, emptyPartial, type PartialAggregate, type RowCounts } from '@ocpsum/core';
import { DataType, Precision, tableFromIPC, type Data, type Table, type Vector } from 'apache-arrow';
import { PREFIX_BYTES, type SectionEntry } from './encode.js';
import { CodecError } from './errors.js';
import { MAGIC, SECTIONS, VERSION, type AnyRow, type Kind } from './sections.js';

/**
 * Decodes a partial and merges it into `into` (a new, empty partial by default), as core's
 * mergeInto would: the reducer decodes each chunk straight into the run's merged partial.
 */
export function decodePartial(bytes: Uint8Array, into: PartialAggregate = emptyPartial()): PartialAggregate {
  if (!(bytes instanceof Uint8Array)) throw new CodecError('not an ocpsum partial: expected a Uint8Array');
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (!MAGIC.startsWith(magic) || (bytes.length >= 4 && magic !== MAGIC)) {
    throw new CodecError('not an ocpsum partial (bad magic)');
  }
  if (bytes.length < PREFIX_BYTES) throw truncated(bytes.length, PREFIX_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VERSION) {
    throw new CodecError(`unsupported ocpsum partial version ${version} (this reader knows ${VERSION})`);
  }
  const headerEnd = PREFIX_BYTES + view.getUint32(8, true);
  if (headerEnd > bytes.length) throw truncated(bytes.length, headerEnd);
  const header = parseHeader(bytes.subarray(PREFIX_BYTES, headerEnd));

  const expected = header.sections.reduce((n, s) => n + s.bytes, headerEnd);
  if (bytes.length < expected) throw truncated(bytes.length, expected);
  if (bytes.length > expected) {
    throw new CodecError(`corrupt ocpsum partial: ${bytes.length - expected} bytes after the last section`);
  }

  const p = into;
  addRowCounts(p.rowsIn, header.rowsIn);
  let at = headerEnd;
  SECTIONS.forEach((s, i) => {
    const entry = header.sections[i];
    const body = bytes.subarray(at, at + entry.bytes);
    at += entry.bytes;
    let table: Table;
    try {
      table = tableFromIPC(body);
    } catch (e) {
      throw new CodecError(`corrupt ocpsum partial: section ${s.name}: ${(e as Error).message}`);
    }
    if (table.numRows !== entry.rows) {
      throw new CodecError(
        `corrupt ocpsum partial: section ${s.name} has ${table.numRows} rows, header says ${entry.rows}`,
      );
    }
    if (entry.rows === 0) return;
    const names = Object.keys(s.columns);
    const columns = names.map((name) => readColumn(table, s.name, name, s.columns[name] as Kind));
    // Rows go back through core's add*, which recomputes each map key (keys are not on the wire).
    for (let r = 0; r < entry.rows; r++) {
      const row: AnyRow = {};
      for (let c = 0; c < names.length; c++) row[names[c]] = columns[c][r];
      s.add(p, row);
    }
  });
  return p;
}

function truncated(have: number, need: number): CodecError {
  return new CodecError(`truncated ocpsum partial: ${have} bytes, expected at least ${need}`);
}

function parseHeader(raw: Uint8Array): { rowsIn: RowCounts; sections: SectionEntry[] } {
  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (e) {
    throw new CodecError(`corrupt ocpsum partial: unreadable header (${(e as Error).message})`);
  }
  const bad = (what: string) => new CodecError(`corrupt ocpsum partial: header ${what}`);
  const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (typeof h !== 'object' || h === null) throw bad('is not an object');
  const { rowsIn, sections } = h as { rowsIn?: Record<string, unknown>; sections?: unknown };
  if (typeof rowsIn !== 'object' || rowsIn === null) throw bad('has no rowsIn');
  for (const k of ['pod', 'storage', 'nodeLabels', 'namespaceLabels']) {
    if (!isCount(rowsIn[k])) throw bad(`rowsIn.${k} is not a count`);
  }
  if (!Array.isArray(sections) || sections.length !== SECTIONS.length) {
    throw bad(`does not list the ${SECTIONS.length} sections`);
  }
  SECTIONS.forEach((s, i) => {
    const e = sections[i] as { name?: unknown; rows?: unknown; bytes?: unknown } | null;
    if (e?.name !== s.name) throw bad(`section ${i} is ${JSON.stringify(e?.name)}, expected ${s.name}`);
    if (!isCount(e.rows) || !isCount(e.bytes)) throw bad(`section ${s.name} has bad rows or bytes`);
  });
  const counts = rowsIn as unknown as RowCounts;
  return {
    rowsIn: {
      pod: counts.pod,
      storage: counts.storage,
      nodeLabels: counts.nodeLabels,
      namespaceLabels: counts.namespaceLabels,
    },
    sections: sections as SectionEntry[],
  };
}

type Value = string | number | boolean | null;

/**
 * A column as a plain JS array. The decoder follows the schema on the wire, not `kind`, for the
 * string encoding, so a writer may switch a column between Utf8 and dictionary without a new version.
 */
function readColumn(table: Table, section: string, name: string, kind: Kind): Value[] {
  const where = `section ${section} column ${name}`;
  const vector = table.getChild(name) as Vector | null;
  if (!vector) throw new CodecError(`corrupt ocpsum partial: ${where} is missing`);
  const type = vector.type as DataType;
  const out: Value[] = new Array(vector.length);
  let k = 0;
  if (kind.startsWith('num')) {
    if (!DataType.isFloat(type) || type.precision !== Precision.DOUBLE) throw wrongType(where, type);
    for (const d of vector.data as Data[]) {
      const values = d.values as Float64Array;
      for (let i = 0; i < d.length; i++) out[k++] = d.nullCount === 0 || d.getValid(i) ? values[i] : null;
    }
  } else if (kind === 'bool') {
    if (!DataType.isBool(type)) throw wrongType(where, type);
    for (const d of vector.data as Data[]) {
      // Bits are counted from the data's offset (a slice of a longer bitmap starts mid-byte).
      const bits = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++) {
        const bit = d.offset + i;
        out[k++] = d.nullCount === 0 || d.getValid(i) ? (bits[bit >> 3] & (1 << (bit & 7))) !== 0 : null;
      }
    }
  } else if (DataType.isBool(type)) {
    throw wrongType(where, type);
  } else if (DataType.isUtf8(type)) {
    // Plain Utf8 (not written today; see sections.ts).
    for (const d of vector.data as Data[]) for (const v of utf8Values(d)) out[k++] = v;
  } else if (
    DataType.isDictionary(type) &&
    DataType.isUtf8(type.dictionary) &&
    DataType.isInt(type.indices) &&
    type.indices.bitWidth <= 32
  ) {
    for (const d of vector.data as Data[]) {
      // Decode each distinct string once, then index into it: no per-row UTF-8 decoding.
      const dict = d.dictionary ? (d.dictionary.data as Data[]).flatMap(utf8Values) : [];
      const indices = d.values as Int32Array;
      for (let i = 0; i < d.length; i++) {
        if (!d.getValid(i)) out[k++] = null;
        else {
          const v = dict[indices[i]];
          if (v === undefined) throw new CodecError(`corrupt ocpsum partial: ${where} has a bad dictionary index`);
          out[k++] = v;
        }
      }
    }
  } else {
    throw wrongType(where, type);
  }
  if (!kind.endsWith('?') && out.includes(null)) {
    throw new CodecError(`corrupt ocpsum partial: ${where} has NULLs but may not`);
  }
  return out;
}

// Arrow's own string reading drops a leading U+FEFF (a byte-order mark); a label or namespace may start with one.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The strings of a Utf8 array, exactly as written. */
function utf8Values(d: Data): (string | null)[] {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const values: (string | null)[] = new Array(d.length);
  for (let i = 0; i < d.length; i++) {
    values[i] = d.nullCount === 0 || d.getValid(i) ? utf8.decode(bytes.subarray(offsets[i], offsets[i + 1])) : null;
  }
  return values;
}

function wrongType(where: string, type: DataType): CodecError {
  return new CodecError(`corrupt ocpsum partial: ${where} has type ${String(type)}`);
}

import { REPORT_TYPES, type ReportType } from '@ocpsum/core';
import type { ObjectInfo, ObjectStore } from '@ocpsum/storage';

export interface DatasetId {
  org: string;
  source: string;
  year: number;
  month: number;
}

/** A dataset's objects, per report type, in key order. */
export interface Dataset {
  prefix: string;
  files: Record<ReportType, ObjectInfo[]>;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function monthPrefix(id: DatasetId, padded = true): string {
  for (const [name, value] of [
    ['org', id.org],
    ['source', id.source],
  ] as const) {
    if (!SEGMENT.test(value)) throw new Error(`invalid ${name} "${value}": use letters, digits, ".", "_" and "-"`);
  }
  const month = padded ? String(id.month).padStart(2, '0') : String(id.month);
  return `data/${id.org}/OCP/source=${id.source}/year=${id.year}/month=${month}/`;
}

/**
 * Lists the objects of one source × month. An object belongs to a report type when a path
 * segment of its key equals the type. Accepts `month=10` and `month=1` as well as `month=01`.
 */
export async function discoverDataset(store: ObjectStore, id: DatasetId): Promise<Dataset> {
  const candidates = id.month < 10 ? [monthPrefix(id), monthPrefix(id, false)] : [monthPrefix(id)];
  for (const prefix of candidates) {
    const files = Object.fromEntries(REPORT_TYPES.map((t) => [t, [] as ObjectInfo[]])) as Record<
      ReportType,
      ObjectInfo[]
    >;
    let any = false;
    for await (const object of store.list(prefix)) {
      const segments = object.key.slice(prefix.length).split('/');
      const type = REPORT_TYPES.find((t) => segments.includes(t));
      if (type && object.key.endsWith('.parquet')) files[type].push(object);
      any = true;
    }
    if (any) {
      if (files.openshift_pod_usage_line_items.length === 0) {
        throw new Error(`no pod usage files (openshift_pod_usage_line_items/*.parquet) under ${store.root}/${prefix}`);
      }
      return { prefix, files };
    }
  }
  throw new Error(
    `no data for source ${id.source} in ${id.year}-${String(id.month).padStart(2, '0')}: nothing under ${store.root}/${candidates[0]}${await knownMonths(store, id)}`,
  );
}

/** Names the months a source does have, so a wrong --month or --source is easy to fix. */
async function knownMonths(store: ObjectStore, id: DatasetId): Promise<string> {
  const sourcePrefix = `data/${id.org}/OCP/source=${id.source}/`;
  const months = new Set<string>();
  for await (const object of store.list(sourcePrefix)) {
    const match = /year=(\d+)\/month=(\d+)\//.exec(object.key);
    if (match) months.add(`${match[1]}-${match[2].padStart(2, '0')}`);
    if (months.size > 24) break;
  }
  if (months.size === 0) return ` (source ${id.source} has no data under ${store.root}/data/${id.org}/OCP/)`;
  return ` (source ${id.source} has data for ${[...months].sort().join(', ')})`;
}

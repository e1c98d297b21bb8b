import { InputError, REPORT_TYPES, type ReportType } from '@ocpsum/core';
import type { ObjectInfo, ObjectStore } from '@ocpsum/storage';
import { monthLabel } from './dataset-id.js';
import type { Dataset, DatasetId, Layout } from './interfaces.js';
import {
  MASU_FOLDERS,
  masuMonthPrefix,
  masuTypesPrefix,
  pocMonthPrefix,
  pocReportType,
  pocSourcePrefix,
} from './layouts.js';

/** What one layout holds for a dataset; `objects` counts everything found, read or not. */
interface Found {
  layout: Layout;
  location: string;
  files: Record<ReportType, ObjectInfo[]>;
  ignored: Map<string, ObjectInfo[]>;
  objects: number;
}

/** Report types koku writes beside the four ocpsum reads, and why they are left alone. */
const KNOWN_UNREAD: Record<string, string> = {
  vm_usage: 'virtual machine usage is not part of the daily summary',
  gpu_usage: 'GPU usage is not part of the daily summary',
};

const LAYOUT_NAMES: Record<Layout, string> = { masu: 'masu (koku)', poc: 'POC' };

/**
 * Finds one source × month under a store's root in either layout. `layout` chooses one; without
 * it a root holding the dataset in both is an error that names both. Objects under the dataset
 * that belong to no report type ocpsum reads are named in `warnings`.
 */
export async function discoverDataset(store: ObjectStore, id: DatasetId, layout?: Layout): Promise<Dataset> {
  const [masu, poc] = await Promise.all([
    layout === 'poc' ? null : findMasu(store, id),
    layout === 'masu' ? null : findPoc(store, id),
  ]);
  const present = [masu, poc].filter((f): f is Found => f !== null && f.objects > 0);
  if (present.length === 2) {
    throw new InputError(
      `source ${id.source} ${monthLabel(id)} is in both layouts under ${store.root}: ` +
        present.map((f) => `${LAYOUT_NAMES[f.layout]} at ${f.location} (${f.objects} objects)`).join(' and ') +
        '; choose one with --layout masu or --layout poc',
    );
  }
  if (present.length === 0) throw new InputError(await notFound(store, id, layout));
  const found = present[0];
  if (found.files.openshift_pod_usage_line_items.length === 0) {
    throw new InputError(`no pod usage files in the ${LAYOUT_NAMES[found.layout]} layout at ${found.location}`);
  }
  return {
    id,
    layout: found.layout,
    location: found.location,
    files: found.files,
    warnings: [...found.ignored].map(([why, objects]) => ignoredWarning(store, why, objects)),
  };
}

function emptyFiles(): Record<ReportType, ObjectInfo[]> {
  return Object.fromEntries(REPORT_TYPES.map((t) => [t, []])) as unknown as Record<ReportType, ObjectInfo[]>;
}

function ignore(found: Found, why: string, object: ObjectInfo): void {
  found.ignored.set(why, [...(found.ignored.get(why) ?? []), object]);
}

async function findMasu(store: ObjectStore, id: DatasetId): Promise<Found> {
  const found: Found = {
    layout: 'masu',
    location: `${store.root}/${masuMonthPrefix(id, '{report type}')}`,
    files: emptyFiles(),
    ignored: new Map(),
    objects: 0,
  };
  const typeOf = new Map(Object.entries(MASU_FOLDERS).map(([type, folder]) => [folder, type as ReportType]));
  for (const folder of await store.folders(masuTypesPrefix(id.org))) {
    const type = typeOf.get(folder);
    for await (const object of store.list(masuMonthPrefix(id, folder))) {
      found.objects++;
      if (type && object.key.endsWith('.parquet')) found.files[type].push(object);
      else if (type) ignore(found, 'not a .parquet file', object);
      else ignore(found, `report type "${folder}" is not read: ${KNOWN_UNREAD[folder] ?? 'ocpsum does not know it'}`, object);
    }
  }
  return found;
}

async function findPoc(store: ObjectStore, id: DatasetId): Promise<Found> {
  // `month=1` as well as `month=01`: older POC buckets hold both spellings.
  const prefixes = id.month < 10 ? [pocMonthPrefix(id), pocMonthPrefix(id, false)] : [pocMonthPrefix(id)];
  let found: Found | undefined;
  for (const prefix of prefixes) {
    found = { layout: 'poc', location: `${store.root}/${prefix}`, files: emptyFiles(), ignored: new Map(), objects: 0 };
    for await (const object of store.list(prefix)) {
      found.objects++;
      const type = pocReportType(object.key.slice(prefix.length));
      if (type && object.key.endsWith('.parquet')) found.files[type].push(object);
      else if (type) ignore(found, 'not a .parquet file', object);
      else ignore(found, 'in no report type folder ocpsum reads', object);
    }
    if (found.objects > 0) break;
  }
  return found!;
}

function ignoredWarning(store: ObjectStore, why: string, objects: ObjectInfo[]): string {
  const shown = objects.slice(0, 3).map((o) => `${store.root}/${o.key}`);
  const more = objects.length > shown.length ? ` and ${objects.length - shown.length} more` : '';
  return `ignoring ${objects.length} object${objects.length > 1 ? 's' : ''} (${why}): ${shown.join(', ')}${more}`;
}

/** Says where ocpsum looked, and which months the source does have, so a wrong flag is easy to fix. */
async function notFound(store: ObjectStore, id: DatasetId, layout?: Layout): Promise<string> {
  const looked = [
    layout !== 'poc' ? `${store.root}/${masuMonthPrefix(id, MASU_FOLDERS.openshift_pod_usage_line_items)}` : null,
    layout !== 'masu' ? `${store.root}/${pocMonthPrefix(id)}` : null,
  ].filter(Boolean);
  const months = new Set<string>();
  const sourcePrefixes = [
    layout !== 'poc' ? `${masuTypesPrefix(id.org)}${MASU_FOLDERS.openshift_pod_usage_line_items}/source=${id.source}/` : null,
    layout !== 'masu' ? pocSourcePrefix(id) : null,
  ].filter((p): p is string => p !== null);
  for (const prefix of sourcePrefixes) {
    for await (const object of store.list(prefix)) {
      const match = /year=(\d+)\/month=(\d+)\//.exec(object.key);
      if (match) months.add(`${match[1]}-${match[2].padStart(2, '0')}`);
      if (months.size > 24) break;
    }
  }
  const known = months.size
    ? `source ${id.source} has data for ${[...months].sort().join(', ')}`
    : `source ${id.source} has no data under ${store.root} for org ${id.org}`;
  return `no data for source ${id.source} in ${monthLabel(id)}: nothing under ${looked.join(' or ')} (${known})`;
}

import pMap from 'p-map';
import type { ObjectInfo, ObjectStore } from '@ocpsum/storage';
import { InputError, type ReportType } from '@ocpsum/core';
import { EXPECTED, INPUT_COLUMNS, intervalKind, typeMatches } from './columns.js';
import { readFooter, type Footer } from './footer.js';
import type { Dataset, InputFile } from './interfaces.js';

/** Footers read at once: one small ranged read each, so round trips set the pace. */
const FOOTERS_AT_ONCE = 16;

/** Reads every file's footer and checks the columns the kernel reads: a dataset → its input files. */
export async function inspectDataset(store: ObjectStore, dataset: Dataset): Promise<InputFile[]> {
  const listed = Object.entries(dataset.files).flatMap(([type, objects]) =>
    objects.map((object) => ({ object, type: type as ReportType })),
  );
  const files = await pMap(
    listed,
    async ({ object, type }) => checkColumns(store, object, type, await readFooter(store, object)),
    { concurrency: FOOTERS_AT_ONCE },
  );
  if (!files.some((f) => f.type === 'openshift_pod_usage_line_items' && f.rows > 0)) {
    throw new InputError(`empty dataset: the pod usage files at ${dataset.location} hold no rows`);
  }
  return files;
}

function checkColumns(store: ObjectStore, object: ObjectInfo, type: ReportType, footer: Footer): InputFile {
  const where = `${store.root}/${object.key}`;
  const optional: string[] = [];
  const nullLabels: string[] = [];
  const usableNumbers: string[] = [];
  for (const rule of INPUT_COLUMNS[type]) {
    const found = footer.columns.get(rule.name);
    if (found === undefined) {
      if (rule.required) {
        throw new InputError(`${where}: missing required column "${rule.name}" (expected ${EXPECTED[rule.kind]})`);
      }
      continue;
    }
    const textual = found === 'VARCHAR' || found === 'JSON';
    // A converter that found no labels in a file writes the column as all-NULL numbers: no labels.
    if (rule.kind === 'labels' && !textual && (found === 'NULL' || footer.allNull.has(rule.name))) {
      nullLabels.push(rule.name);
    } else if (!typeMatches(rule.kind, found)) {
      const unlessEmpty = rule.kind === 'labels' ? ' (a column of another type is read only when it is empty)' : '';
      throw new InputError(`${where}: column "${rule.name}" has type ${found}, expected ${EXPECTED[rule.kind]}${unlessEmpty}`);
    }
    if (!rule.required) optional.push(rule.name);
    if (rule.kind === 'number' && footer.usableNumbers.has(rule.name)) usableNumbers.push(rule.name);
  }
  const rowGroups = footer.rowGroups;
  return {
    key: object.key,
    etag: object.etag,
    type,
    rows: rowGroups.reduce((a, b) => a + b, 0),
    rowGroups,
    rowGroupDays: footer.intervalDays.map((days) => (days ? [...days] : null)),
    interval: intervalKind(footer.columns.get('interval_start')!) ?? 'string',
    optional,
    nullLabels,
    usableNumbers,
  };
}

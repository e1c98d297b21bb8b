import type { ReportType } from '@ocpsum/core';
import { checkDatasetId, pad2 } from './dataset-id.js';
import type { DatasetId, Layout } from './interfaces.js';

/**
 * The two layouts real buckets have (docs/rules.md §1):
 * - masu (koku's own writer, `get_path_prefix`): one folder per report type above the source,
 *   `data/parquet/{org}/OCP/{folder}/source={uuid}/year={YYYY}/month={MM}/*.parquet`;
 * - poc (the proof of concept): `data/{org}/OCP/source={uuid}/year={YYYY}/month={MM}/…/{folder}/*.parquet`,
 *   any folders between month and report type.
 */

/** masu's folder of each report type ocpsum reads. */
export const MASU_FOLDERS: Record<ReportType, string> = {
  openshift_pod_usage_line_items: 'pod_usage',
  openshift_storage_usage_line_items: 'storage_usage',
  openshift_node_labels_line_items: 'node_labels',
  openshift_namespace_labels_line_items: 'namespace_labels',
};

/** The POC's folders; it writes its hourly storage rows under `…_daily`. */
const POC_FOLDERS: Record<string, ReportType> = {
  openshift_pod_usage_line_items: 'openshift_pod_usage_line_items',
  openshift_storage_usage_line_items: 'openshift_storage_usage_line_items',
  openshift_storage_usage_line_items_daily: 'openshift_storage_usage_line_items',
  openshift_node_labels_line_items: 'openshift_node_labels_line_items',
  openshift_namespace_labels_line_items: 'openshift_namespace_labels_line_items',
};

/** `data/parquet/{org}/OCP/`: masu's report type folders are under it. */
export function masuTypesPrefix(org: string): string {
  return `data/parquet/${org}/OCP/`;
}

/** masu's month folder of one report type folder. */
export function masuMonthPrefix(id: DatasetId, folder: string): string {
  checkDatasetId(id);
  return `${masuTypesPrefix(id.org)}${folder}/source=${id.source}/year=${id.year}/month=${pad2(id.month)}/`;
}

/** The POC's month folder; `padded: false` gives `month=1`, which older POC buckets hold. */
export function pocMonthPrefix(id: DatasetId, padded = true): string {
  checkDatasetId(id);
  return `${pocSourcePrefix(id)}year=${id.year}/month=${padded ? pad2(id.month) : id.month}/`;
}

export function pocSourcePrefix(id: Pick<DatasetId, 'org' | 'source'>): string {
  return `data/${id.org}/OCP/source=${id.source}/`;
}

/** The report type of a POC key below its month folder: a folder segment names it. */
export function pocReportType(relativeKey: string): ReportType | undefined {
  const folders = relativeKey.split('/').slice(0, -1);
  for (const folder of folders) if (POC_FOLDERS[folder]) return POC_FOLDERS[folder];
  return undefined;
}

/** The key of one day's file of one report type, as `ocpsum generate` writes it in a layout. */
export function reportKey(layout: Layout, id: DatasetId, reportType: ReportType, day: number): string {
  const date = `${id.year}-${pad2(id.month)}-${pad2(day)}`;
  if (layout === 'masu') return `${masuMonthPrefix(id, MASU_FOLDERS[reportType])}${date}_0.parquet`;
  // The POC keeps hourly storage rows under `…_daily`: written there, so that folder is exercised.
  const folder =
    reportType === 'openshift_storage_usage_line_items' ? 'openshift_storage_usage_line_items_daily' : reportType;
  return `${pocMonthPrefix(id)}day=${pad2(day)}/${folder}/part-0.parquet`;
}

import { REPORT_TYPES } from '@ocpsum/core';
import { checkDatasetId, daysInDatasetMonth } from '@ocpsum/input';
import { buildClusters, dayRows } from './manifest-model.js';
import { parseManifest } from './manifest-schema.js';
import { DatasetWriter, type GenerateResult, type Target } from './writer.js';

export interface ManifestOptions extends Target {
  /** nise static OCP YAML. */
  manifest: string;
  /** Names the manifest in error messages; defaults to "manifest". */
  manifestName?: string;
  /** Epoch ms that the dates `today` and `last_month` are read against; defaults to now. */
  now?: number;
  /**
   * Told, before anything is written, what the manifest holds that is read but not written (GPU
   * entries) or is written though surprising; one line each. Defaults to a line on stderr.
   */
  onWarning?: (message: string) => void;
}

const printWarning = (message: string) => console.error(`ocpsum: warning: ${message}`);

/**
 * Writes the hourly reports a nise static OCP manifest describes for the dataset's month, one file
 * per day and report type: the part of each generator's hours that falls in that month, as nise
 * writes a month's report.
 */
export async function generateFromManifest(options: ManifestOptions): Promise<GenerateResult> {
  const { id, manifest, manifestName = 'manifest', now = Date.now(), onWarning = printWarning } = options;
  checkDatasetId(id);
  const { clusters, warnings } = buildClusters(parseManifest(manifest, manifestName), { id, manifestName, now });
  for (const warning of warnings) onWarning(warning);
  return DatasetWriter.use(options, async (writer) => {
    for (let day = 1; day <= daysInDatasetMonth(id); day++) {
      const midnight = Date.UTC(id.year, id.month - 1, day);
      const perCluster = clusters.map((cluster) => dayRows(cluster, midnight));
      for (const reportType of REPORT_TYPES) {
        const rows = perCluster.flatMap((r) => r[reportType]);
        if (rows.length > 0) await writer.writeRows(day, reportType, rows);
      }
    }
    return writer.result();
  });
}

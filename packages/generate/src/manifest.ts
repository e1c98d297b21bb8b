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
}

/** Writes the hourly reports a nise static OCP manifest describes, one file per day and report type. */
export async function generateFromManifest(options: ManifestOptions): Promise<GenerateResult> {
  const { id, manifest, manifestName = 'manifest' } = options;
  checkDatasetId(id);
  const clusters = buildClusters(parseManifest(manifest, manifestName), id, manifestName);
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

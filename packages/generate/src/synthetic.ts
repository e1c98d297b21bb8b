import { listValue } from '@duckdb/node-api';
import { checkDatasetId, daysInDatasetMonth, monthLabel } from '@ocpsum/input';
import { planSynthetic, podRowsOnDay } from './synthetic-plan.js';
import {
  CLAIMS,
  CONFIG,
  HOURS,
  MACROS,
  NAMESPACE_LABELS_DAY,
  NAMESPACES,
  NODE_LABELS_DAY,
  NODES,
  ORPHAN_CLAIM,
  POD_DAY,
  PODS,
  STORAGE_DAY,
  TEXT_AS_ENUMS,
} from './synthetic-sql.js';
import { DatasetWriter, type GenerateResult, type Target } from './writer.js';

export interface SyntheticOptions extends Target {
  /** Pod usage rows in total, spread hourly over the whole month. */
  rows: number;
  /** Same seed, same bytes. Defaults to 1. */
  seed?: number;
  /** Called as each day is written with the pod usage rows written so far. */
  onProgress?: (rowsWritten: number) => void;
}

const TWO_32 = 2 ** 32;
const POD = 'openshift_pod_usage_line_items';
const STORAGE = 'openshift_storage_usage_line_items';
const NODE_LABELS = 'openshift_node_labels_line_items';
const NAMESPACE_LABELS = 'openshift_namespace_labels_line_items';

/** A realistic cluster-month of `rows` hourly pod usage rows, written one day file at a time. */
export async function generateSynthetic(options: SyntheticOptions): Promise<GenerateResult> {
  const { id, rows, seed = 1, onProgress } = options;
  checkDatasetId(id);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  const plan = planSynthetic(rows, daysInDatasetMonth(id));
  return DatasetWriter.use(options, async (writer) => {
    for (const macro of MACROS) await writer.run(macro);
    await writer.run(CONFIG, { seed_hi: Math.floor(seed / TWO_32), seed_lo: seed % TWO_32 });
    await writer.run(HOURS, { month_start: `${monthLabel(id)}-01 00:00:00`, hours: plan.hours });
    await writer.run(NODES, { nodes: plan.nodes, masters: plan.masters, infra: plan.infra });
    await writer.run(NAMESPACES, { namespaces: plan.namespaces });
    await writer.run(PODS, {
      pods: plan.pods,
      nodes: plan.nodes,
      namespaces: plan.namespaces,
      late: listValue(plan.lateStarts),
      per_node: Math.ceil(plan.pods / plan.nodes),
    });
    await writer.run(CLAIMS, { pods: plan.pods });
    await writer.run(ORPHAN_CLAIM, { namespaces: plan.namespaces });
    for (const statement of TEXT_AS_ENUMS) await writer.run(statement);
    const claims = Number((await writer.connection.runAndReadAll('SELECT count(*) FROM claims')).getRows()[0][0]);

    let podRows = 0;
    const days = Array.from({ length: plan.days }, (_, i) => i + 1);
    await writer.inPairs(days, async (day, connection) => {
      const grid = (count: number) => ({ first_hour: (day - 1) * 24, count });
      // Tiny datasets leave the first days without pods; they get no pod file rather than an empty one.
      const expected = podRowsOnDay(plan, day);
      if (expected > 0) {
        const written = await writer.writeDay(day, POD, POD_DAY, grid(plan.pods), connection);
        if (written !== expected) throw new Error(`day ${day}: wrote ${written} pod rows, planned ${expected}`);
        podRows += written;
      }
      await writer.writeDay(day, STORAGE, STORAGE_DAY, { ...grid(claims), hours: plan.hours }, connection);
      await writer.writeDay(day, NODE_LABELS, NODE_LABELS_DAY, grid(plan.nodes), connection);
      await writer.writeDay(day, NAMESPACE_LABELS, NAMESPACE_LABELS_DAY, grid(plan.namespaces), connection);
      onProgress?.(podRows);
    });
    return writer.result();
  });
}

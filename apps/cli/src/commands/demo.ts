import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { runSpec, type SummaryRow } from '@ocpsum/core';
import { generateSynthetic } from '@ocpsum/generate';
import { summarize } from '@ocpsum/kernel';
import { openSinkDatabase, rowsToSummaryTable, writeOutputs } from '@ocpsum/sinks';
import { LocalStore } from '@ocpsum/storage';
import { DEFAULT_ORG, DEFAULT_SOURCE, reportDataset } from '../dataset-options.js';
import { table } from '../format.js';
import { describeRun } from './run.js';

const SAMPLE_ROWS = 22_320;

/** The embedded default (`npm start`): sample data → in-memory summary → ./out, no services needed. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('generate a small sample dataset (if absent), summarize it in memory, write ./out')
    .option('--sample <dir>', 'where the sample dataset lives', 'sample')
    .option('--out <dir>', 'where the summary goes', 'out')
    .action(async (flags: { sample: string; out: string }) => {
      const id = { org: DEFAULT_ORG, source: DEFAULT_SOURCE, year: 2025, month: 10 };
      if (!existsSync(`${flags.sample}/data`)) {
        console.log(`generating a ${SAMPLE_ROWS.toLocaleString('en-US')}-row sample dataset in ./${flags.sample} …`);
        await generateSynthetic({ outDir: flags.sample, id, rows: SAMPLE_ROWS, seed: 1 });
      }
      const started = performance.now();
      const spec = runSpec({
        ...id,
        reference: {
          enabledKeys: ['app', 'environment', 'team', 'tier'],
          costCategories: [{ id: 1, pattern: 'openshift-%' }],
          nodeRoles: [],
        },
      });
      const result = await summarize({ store: new LocalStore(flags.sample), spec });
      reportDataset(result.input.dataset);
      const outputs = [`${flags.out}/summary.csv`, flags.out];
      // Until finalize writes the table: its rows loaded into one for the sinks.
      const sinkDb = await openSinkDatabase();
      try {
        await writeOutputs(outputs, await rowsToSummaryTable(sinkDb.db, result.rows, spec.byPod), spec);
      } finally {
        sinkDb.close();
      }
      console.log(describeRun(result, performance.now() - started, outputs));
      console.log(`\nTop namespaces by CPU usage, ${spec.startDate} to ${spec.endDate}:\n`);
      console.log(topNamespaces(result.rows, 8));
    });
}

function topNamespaces(rows: SummaryRow[], limit: number): string {
  const totals = new Map<string, { cpu: number; memory: number; storage: number }>();
  for (const row of rows) {
    const t = totals.get(row.namespace ?? '') ?? { cpu: 0, memory: 0, storage: 0 };
    if (row.data_source === 'Pod' && !row.namespace?.endsWith(' unallocated')) {
      t.cpu += row.pod_usage_cpu_core_hours ?? 0;
      t.memory += row.pod_usage_memory_gigabyte_hours ?? 0;
    }
    t.storage += row.persistentvolumeclaim_usage_gigabyte_months ?? 0;
    totals.set(row.namespace ?? '', t);
  }
  const top = [...totals.entries()]
    .filter(([, t]) => t.cpu > 0)
    .sort((a, b) => b[1].cpu - a[1].cpu)
    .slice(0, limit);
  return table(
    ['namespace', 'CPU core-hours', 'memory GB-hours', 'storage GB-months'],
    top.map(([name, t]) => [name, Number(t.cpu.toFixed(1)), Number(t.memory.toFixed(1)), Number(t.storage.toFixed(2))]),
  );
}

import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { runSpec } from '@ocpsum/core';
import { generateSynthetic } from '@ocpsum/generate';
import { summarize, type Summary } from '@ocpsum/kernel';
import { writeOutputs } from '@ocpsum/sinks';
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
      const summary = await summarize({ store: new LocalStore(flags.sample), spec });
      try {
        reportDataset(summary.input.dataset);
        const outputs = [`${flags.out}/summary.csv`, flags.out];
        await writeOutputs(outputs, summary, spec);
        console.log(describeRun(summary, performance.now() - started, outputs));
        console.log(`\nTop namespaces by CPU usage, ${spec.startDate} to ${spec.endDate}:\n`);
        console.log(await topNamespaces(summary, 8));
      } finally {
        summary.close();
      }
    });
}

async function topNamespaces(summary: Summary, limit: number): Promise<string> {
  const reader = await summary.db.runAndReadAll(
    `SELECT namespace,
       round(sum(pod_usage_cpu_core_hours) FILTER (data_source = 'Pod'), 1) AS cpu,
       round(sum(pod_usage_memory_gigabyte_hours) FILTER (data_source = 'Pod'), 1) AS memory,
       round(coalesce(sum(persistentvolumeclaim_usage_gigabyte_months), 0), 2) AS storage
     FROM ${summary.table} WHERE namespace NOT LIKE '% unallocated'
     GROUP BY namespace HAVING cpu > 0 ORDER BY cpu DESC, namespace LIMIT $limit`,
    { limit },
  );
  const top = reader.getRowsJS() as [string, number, number, number][];
  return table(['namespace', 'CPU core-hours', 'memory GB-hours', 'storage GB-months'], top);
}

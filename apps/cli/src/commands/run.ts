import { Command, Option } from 'commander';
import { summarize, type SummaryResult } from '@ocpsum/kernel';
import { writeOutputs } from '@ocpsum/sinks';
import { openStore } from '@ocpsum/storage';
import { addDatasetOptions, integer, specFromFlags, type DatasetFlags } from '../dataset-options.js';
import { count, seconds } from '../format.js';

export function runCommand(): Command {
  return addDatasetOptions(new Command('run').description('summarize one source × month and write the daily summary'))
    .addOption(new Option('--mode <mode>', 'where the work runs').choices(['memory']).default('memory'))
    .requiredOption('--out <target...>', 'FILE.csv, FILE.parquet, or a folder for Parquet by day (repeatable)')
    .option('--threads <n>', 'DuckDB threads', integer('--threads', 1, 256), 4)
    .action(async (flags: DatasetFlags & { out: string[]; threads: number }) => {
      const started = performance.now();
      const spec = await specFromFlags(flags);
      const store = openStore(flags.root);
      const result = await summarize({ store, spec, threads: flags.threads });
      await writeOutputs(flags.out, result.rows, spec);
      console.log(describeRun(result, performance.now() - started, flags.out));
    });
}

export function describeRun(result: SummaryResult, elapsedMs: number, outputs: string[]): string {
  const { rowsIn, counts } = result;
  return [
    `read   ${count(rowsIn.pod)} pod usage, ${count(rowsIn.storage)} storage, ${count(rowsIn.nodeLabels)} node label, ${count(rowsIn.namespaceLabels)} namespace label rows from ${result.files} files`,
    `wrote  ${count(counts.pod)} pod, ${count(counts.storage)} storage, ${count(counts.unallocated)} unallocated rows to ${outputs.join(', ')}`,
    `took   ${seconds(elapsedMs)} (discover ${seconds(result.timings.discover)}, kernel ${seconds(result.timings.kernel)}, finalize ${seconds(result.timings.finalize)})`,
  ].join('\n');
}

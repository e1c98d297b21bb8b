import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { generateFromManifest, generateSynthetic, type GenerateResult } from '@ocpsum/generate';
import { DEFAULT_ORG, DEFAULT_SOURCE, integer } from '../dataset-options.js';
import { count, seconds } from '../format.js';

interface GenerateFlags {
  out: string;
  rows?: number;
  manifest?: string;
  org: string;
  source: string;
  year: number;
  month: number;
  seed: number;
}

export function generateCommand(): Command {
  return new Command('generate')
    .description('write a dataset in the koku layout: synthetic rows, or a nise-style static manifest')
    .requiredOption('--out <dir>', 'root folder to write data/{org}/OCP/… under')
    .addOption(
      new Option('--rows <n>', 'pod usage rows to generate')
        .argParser(integer('--rows', 1, 1e10))
        .conflicts('manifest'),
    )
    .option('--manifest <file>', 'nise static OCP manifest (YAML)')
    .option('--org <org>', 'organization id', DEFAULT_ORG)
    .option('--source <uuid>', 'source (cluster) uuid', DEFAULT_SOURCE)
    .option('--year <yyyy>', 'year', integer('--year', 1970, 9999), 2025)
    .option('--month <mm>', 'month', integer('--month', 1, 12), 10)
    .option('--seed <n>', 'seed; the same seed writes the same bytes', integer('--seed', 0, 2 ** 31 - 1), 1)
    .action(async (flags: GenerateFlags) => {
      const started = performance.now();
      const id = { org: flags.org, source: flags.source, year: flags.year, month: flags.month };
      let result: GenerateResult;
      if (flags.manifest) {
        const manifest = await readFile(flags.manifest, 'utf8');
        result = await generateFromManifest({
          outDir: flags.out,
          id,
          manifest,
          manifestName: basename(flags.manifest),
        });
      } else if (flags.rows !== undefined) {
        result = await withProgress(flags.rows, (onProgress) =>
          generateSynthetic({ outDir: flags.out, id, rows: flags.rows!, seed: flags.seed, onProgress }),
        );
      } else {
        throw new Error('say what to generate: --rows N or --manifest FILE');
      }
      const { rows } = result;
      console.log(
        `generated ${count(rows.pod)} pod usage, ${count(rows.storage)} storage, ${count(rows.nodeLabels)} node label, ` +
          `${count(rows.namespaceLabels)} namespace label rows in ${result.files.length} files under ${flags.out} ` +
          `(${seconds(performance.now() - started)})`,
      );
      console.log(
        `summarize it: npx ocpsum run --root ${flags.out} --org ${id.org} --source ${id.source} --year ${id.year} --month ${id.month} --out summary.csv`,
      );
    });
}

/** A progress bar on a terminal; silence when output is piped or logged. */
async function withProgress<T>(total: number, work: (onProgress: (done: number) => void) => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work(() => {});
  const bar = new SingleBar({
    format: 'generating [{bar}] {percentage}% | {value}/{total} rows',
    stream: process.stderr,
  });
  bar.start(total, 0);
  try {
    return await work((done) => bar.update(done));
  } finally {
    bar.stop();
  }
}

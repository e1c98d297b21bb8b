import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { generateFromManifest, generateSynthetic, type GenerateResult } from '@ocpsum/generate';
import { openStore } from '@ocpsum/storage';
import type { Layout } from '@ocpsum/input';
import { DEFAULT_ORG, DEFAULT_SOURCE, integer, layoutOption } from '../dataset-options.js';
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
  layout: Layout;
}

export function generateCommand(): Command {
  return new Command('generate')
    .description("write a dataset in a bucket layout (koku's masu by default): synthetic rows, or a nise static manifest")
    .requiredOption('--out <root>', 'root to write data/… under: a folder or s3://bucket/prefix')
    .addOption(layoutOption("bucket layout: masu (koku's own) or poc").default('masu'))
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
      if (!flags.manifest && flags.rows === undefined)
        throw new Error('say what to generate: --rows N or --manifest FILE');
      const toS3 = flags.out.startsWith('s3://');
      // An S3 root gets a local dataset first, then every file is uploaded.
      const outDir = toS3 ? await mkdtemp(join(tmpdir(), 'ocpsum-generate-')) : flags.out;
      let result: GenerateResult;
      try {
        if (flags.manifest) {
          const manifest = await readFile(flags.manifest, 'utf8');
          result = await generateFromManifest({
            outDir,
            id,
            layout: flags.layout,
            manifest,
            manifestName: basename(flags.manifest),
          });
        } else {
          result = await withProgress(flags.rows!, (onProgress) =>
            generateSynthetic({ outDir, id, layout: flags.layout, rows: flags.rows!, seed: flags.seed, onProgress }),
          );
        }
        if (toS3) await upload(outDir, result.files, flags.out);
      } finally {
        if (toS3) await rm(outDir, { recursive: true, force: true });
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

async function upload(folder: string, files: string[], root: string): Promise<void> {
  const store = openStore(root);
  try {
    for (const file of files) {
      const local = file.startsWith(folder) ? file : join(folder, file);
      await store.put(relative(folder, local).split(sep).join('/'), createReadStream(local));
    }
  } finally {
    await store.close();
  }
}

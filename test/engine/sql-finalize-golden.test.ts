/**
 * Every golden scenario of golden.test.ts and golden-roles.test.ts once more, with `summarizeDataset`
 * also checking that the SQL merge and finalize of the dataset's partial give the JavaScript rows
 * (the scenarios' own expectations then run on the JavaScript rows, as there).
 */
import { vi } from 'vitest';

vi.mock('../helpers/summarize.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../helpers/summarize.js')>();
  const check = await import('../helpers/sql-finalize.js');
  let calls = 0;
  return {
    ...original,
    summarizeDataset: async (...args: Parameters<typeof original.summarizeDataset>) => {
      const result = await original.summarizeDataset(...args);
      const [ds, options] = args;
      const engine = await check.sharedEngine();
      const spec = check.datasetSpec(ds, options);
      const partial = await check.datasetPartial(engine, ds, spec);
      // Every other run ships the partial as Parquet files.
      const parquet = calls++ % 2 === 1;
      await check.expectSqlMatchesJs(engine.db, [partial], spec, () => parquet);
      return result;
    },
  };
});

await import('./golden.test.js');
await import('./golden-roles.test.js');

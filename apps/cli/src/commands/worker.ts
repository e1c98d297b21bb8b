import { Command } from 'commander';
import { FleetWorker } from '@ocpsum/fleet';
import { integer, memorySize } from '../dataset-options.js';
import { addFleetOptions, type FleetFlags } from '../fleet-options.js';
import { closeOnSignal } from '../lifecycle.js';
import { addMetricsOptions, processOps, withOpsServer, type MetricsFlags } from '../ops.js';
import { redactUrl } from '@ocpsum/core';
import { connectRedis } from '../redis.js';

type WorkerFlags = FleetFlags &
  MetricsFlags & { threads: number; memoryLimit: string; concurrency: number; partialTtl: number };

export function workerCommand(): Command {
  return addMetricsOptions(
    addFleetOptions(
      new Command('worker').description('process chunk, day and whole-dataset jobs; start as many as you like'),
    ),
    9464,
  )
    .option('--threads <n>', 'DuckDB threads of this worker', integer('--threads', 1, 256), 4)
    .option(
      '--memory-limit <size>',
      "DuckDB's memory for this worker's jobs; what does not fit spills to the temp folder (the process needs some 300 MB more)",
      memorySize('--memory-limit'),
      '512MB',
    )
    .option(
      '--concurrency <n>',
      'kernels run at once (one more job is downloaded meanwhile)',
      integer('--concurrency', 1, 64),
      1,
    )
    .option(
      '--partial-ttl <seconds>',
      'how long partial aggregates stay in Redis',
      integer('--partial-ttl', 60, 30 * 86_400),
      86_400,
    )
    .action(async (flags: WorkerFlags) => {
      const ops = processOps('worker');
      (await connectRedis(flags.redis)).disconnect();
      const { server, started: worker } = await withOpsServer(flags, ops, () =>
        FleetWorker.start({
          redisUrl: flags.redis,
          prefix: flags.prefix,
          threads: flags.threads,
          memoryLimit: flags.memoryLimit,
          concurrency: flags.concurrency,
          partialTtl: flags.partialTtl,
          events: ops.events,
        }),
      );
      const redis = redactUrl(flags.redis);
      ops.log.info(
        {
          event: 'ready',
          threads: flags.threads,
          memoryLimit: flags.memoryLimit,
          concurrency: flags.concurrency,
          redis,
          prefix: flags.prefix,
          metrics: `${server.url}/metrics`,
        },
        `worker ${process.pid}: ${flags.threads} threads, DuckDB memory ${flags.memoryLimit}, concurrency ${flags.concurrency}, ${redis} prefix {${flags.prefix}}, metrics ${server.url}/metrics`,
      );
      closeOnSignal('worker', ops.log, [() => worker.close(), () => server.close()]);
    });
}

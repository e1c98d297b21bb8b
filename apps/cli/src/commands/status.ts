import { Command } from 'commander';
import { ACTIVE, RunRecords } from '@ocpsum/fleet';
import { addFleetOptions, type FleetFlags } from '../fleet-options.js';
import { jsonOption } from '../format.js';
import { connectRedis } from '../redis.js';
import { printRun } from '../report.js';
import { followRun } from './enqueue.js';

export function statusCommand(): Command {
  return addFleetOptions(new Command('status').description('progress of a run, then its report').argument('<run-id>'))
    .option('--wait', 'follow an active run to its end', false)
    .addOption(jsonOption('the run'))
    .action(async (runId: string, flags: FleetFlags & { wait: boolean; json: boolean }) => {
      const redis = await connectRedis(flags.redis);
      try {
        const records = new RunRecords(redis, flags.prefix);
        let record = await records.get(runId);
        if (!record) throw new Error(`run ${runId} not found under prefix {${flags.prefix}}`);
        if (flags.wait && ACTIVE.includes(record.status)) record = await followRun(records, runId);
        printRun(record, flags.json);
        if (record.status === 'failed' || record.status === 'cancelled') process.exitCode = 1;
      } finally {
        redis.disconnect();
      }
    });
}

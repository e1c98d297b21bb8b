import { Command } from 'commander';
import { RECENT_RUNS, RunRecords, runEntry } from '@ocpsum/fleet';
import { integer } from '../dataset-options.js';
import { addFleetOptions, type FleetFlags } from '../fleet-options.js';
import { jsonOption, jsonText } from '../format.js';
import { connectRedis } from '../redis.js';
import { describeRuns } from '../report.js';

export function runsCommand(): Command {
  return addFleetOptions(new Command('runs').description('recent runs, newest first'))
    .option('--limit <n>', 'how many runs to list', integer('--limit', 1, RECENT_RUNS), 20)
    .addOption(jsonOption('the runs (an array)'))
    .action(async (flags: FleetFlags & { limit: number; json: boolean }) => {
      const redis = await connectRedis(flags.redis);
      try {
        const runs = (await new RunRecords(redis, flags.prefix).recent(flags.limit)).map(runEntry);
        console.log(flags.json ? jsonText(runs) : describeRuns(runs));
      } finally {
        redis.disconnect();
      }
    });
}

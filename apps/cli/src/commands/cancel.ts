import { Command } from 'commander';
import { RunRecords } from '@ocpsum/fleet';
import { addFleetOptions, type FleetFlags } from '../fleet-options.js';
import { connectRedis } from '../redis.js';

export function cancelCommand(): Command {
  return addFleetOptions(
    new Command('cancel').description('cancel an active run; its remaining jobs end at once').argument('<run-id>'),
  ).action(async (runId: string, flags: FleetFlags) => {
    const redis = await connectRedis(flags.redis);
    try {
      const records = new RunRecords(redis, flags.prefix);
      const record = await records.get(runId);
      if (!record) throw new Error(`run ${runId} not found under prefix {${flags.prefix}}`);
      if (!(await records.finish(runId, { status: 'cancelled', error: 'cancelled by ocpsum cancel' }))) {
        throw new Error(`run ${runId} is already ${record.status}`);
      }
      console.log(`run ${runId} cancelled`);
    } finally {
      redis.disconnect();
    }
  });
}

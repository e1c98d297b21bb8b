import { Command } from 'commander';
import { Reducer } from '@ocpsum/fleet';
import { addFleetOptions, type FleetFlags } from '../fleet-options.js';
import { closeOnSignal } from '../lifecycle.js';
import { connectRedis, redactUrl } from '../redis.js';

export function coordinatorCommand(): Command {
  return addFleetOptions(new Command('coordinator').description('reduce finished runs, fail broken or overdue ones'))
    .action(async (flags: FleetFlags) => {
      (await connectRedis(flags.redis)).disconnect();
      const reducer = await Reducer.start({ redisUrl: flags.redis, prefix: flags.prefix });
      console.error(`coordinator ${process.pid}: reducing runs on ${redactUrl(flags.redis)} prefix {${flags.prefix}}`);
      closeOnSignal('coordinator', () => reducer.close());
    });
}

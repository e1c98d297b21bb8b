import { Command } from 'commander';
import { Reducer } from '@ocpsum/fleet';
import { addFleetOptions, type FleetFlags } from '../fleet-options.js';
import { closeOnSignal } from '../lifecycle.js';
import { addMetricsOptions, processOps, withOpsServer, type MetricsFlags } from '../ops.js';
import { redactUrl } from '@ocpsum/core';
import { connectRedis } from '../redis.js';

/** The process that runs the Reducer: commits, and the failed-job and deadline watch. */
export function reducerCommand(): Command {
  return addMetricsOptions(
    addFleetOptions(
      new Command('reducer').description(
        'commit the outputs of runs whose day reduces are done, fail broken or overdue runs',
      ),
    ),
    9465,
  ).action(async (flags: FleetFlags & MetricsFlags) => {
    const ops = processOps('reducer');
    (await connectRedis(flags.redis)).disconnect();
    const { server, started: reducer } = await withOpsServer(flags, ops, () =>
      Reducer.start({ redisUrl: flags.redis, prefix: flags.prefix, events: ops.events }),
    );
    const redis = redactUrl(flags.redis);
    ops.log.info(
      { event: 'ready', redis, prefix: flags.prefix, metrics: `${server.url}/metrics` },
      `reducer ${process.pid}: committing runs on ${redis} prefix {${flags.prefix}}, metrics ${server.url}/metrics`,
    );
    closeOnSignal('reducer', ops.log, [() => reducer.close(), () => server.close()]);
  });
}

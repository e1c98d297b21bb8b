import { Command, Option } from 'commander';
import {
  FleetMetrics,
  boardCredentialsFromEnv,
  createBoard,
  createLogger,
  isLoopback,
  startOpsServer,
} from '@ocpsum/ops';
import { QUEUES } from '@ocpsum/fleet';
import { integer } from '../dataset-options.js';
import { addFleetOptions, type FleetFlags } from '../fleet-options.js';
import { closeOnSignal } from '../lifecycle.js';
import { redactUrl } from '@ocpsum/core';
import { connectRedis } from '../redis.js';

type BoardFlags = FleetFlags & { port: number; host: string; insecure: boolean; readOnly: boolean };

export function boardCommand(): Command {
  return addFleetOptions(
    new Command('board').description(
      `Bull Board over the fleet's queues (${Object.values(QUEUES).join(', ')}); also /metrics and /healthz`,
    ),
  )
    .addOption(
      new Option('--port <port>', 'port to listen on (0: any free port)')
        .env('OCPSUM_BOARD_PORT')
        .argParser(integer('--port', 0, 65_535))
        .default(3000),
    )
    .addOption(new Option('--host <host>', 'address to bind to').env('OCPSUM_BOARD_HOST').default('127.0.0.1'))
    .option('--insecure', 'allow a non-loopback --host without OCPSUM_BOARD_USER/OCPSUM_BOARD_PASSWORD', false)
    .option('--read-only', 'no retry, promote, clean or remove from the UI', false)
    .action(async (flags: BoardFlags) => {
      const auth = boardCredentialsFromEnv();
      if (!auth && !isLoopback(flags.host) && !flags.insecure) {
        throw new Error(
          `refusing to serve the board on ${flags.host} without authentication: anyone who reaches it could retry, remove or clean jobs. ` +
            'Set OCPSUM_BOARD_USER and OCPSUM_BOARD_PASSWORD, bind to 127.0.0.1 (the default), or pass --insecure when something in front of it guards it',
        );
      }
      const log = createLogger('board');
      if (!auth && !isLoopback(flags.host))
        log.warn(
          { event: 'insecure', host: flags.host },
          `board: serving ${flags.host} without authentication (--insecure)`,
        );
      (await connectRedis(flags.redis)).disconnect();

      const metrics = new FleetMetrics();
      const board = createBoard({ redisUrl: flags.redis, prefix: flags.prefix, readOnly: flags.readOnly });
      const server = await startOpsServer({
        redisUrl: flags.redis,
        prefix: flags.prefix,
        host: flags.host,
        port: flags.port,
        metrics,
        app: board.listener,
        auth,
      }).catch(async (error: unknown) => {
        await board.close();
        throw error;
      });
      const redis = redactUrl(flags.redis);
      log.info(
        { event: 'ready', url: server.url, redis, prefix: flags.prefix, auth: !!auth, readOnly: flags.readOnly },
        `board ${process.pid}: ${server.url}/ (queues chunks, reduce, whole of {${flags.prefix}} on ${redis}), basic auth ${auth ? 'on' : 'off'}, metrics ${server.url}/metrics`,
      );
      closeOnSignal('board', log, [() => server.close(), () => board.close()]);
    });
}

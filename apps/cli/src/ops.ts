import { Option, type Command } from 'commander';
import {
  FleetMetrics,
  allEvents,
  createLogger,
  fleetLog,
  startOpsServer,
  type Logger,
  type OpsServer,
} from '@ocpsum/ops';
import type { FleetEvents } from '@ocpsum/fleet';
import { integer } from './dataset-options.js';
import type { FleetFlags } from './fleet-options.js';

export interface MetricsFlags {
  metricsPort: number;
  metricsHost: string;
}

/** `--metrics-port` / `--metrics-host` of a long-running process (flags, else environment, else defaults). */
export function addMetricsOptions(command: Command, defaultPort: number): Command {
  return command
    .addOption(
      new Option('--metrics-port <port>', '/metrics and /healthz port (0: any free port)')
        .env('OCPSUM_METRICS_PORT')
        .argParser(integer('--metrics-port', 0, 65_535))
        .default(defaultPort),
    )
    .addOption(
      new Option('--metrics-host <host>', 'address /metrics and /healthz bind to')
        .env('OCPSUM_METRICS_HOST')
        .default('127.0.0.1'),
    );
}

/** What a long-running process watches itself with: a logger, metrics, and the events that feed both. */
export interface ProcessOps {
  log: Logger;
  metrics: FleetMetrics;
  events: FleetEvents;
}

export function processOps(role: string): ProcessOps {
  const log = createLogger(role);
  const metrics = new FleetMetrics();
  return { log, metrics, events: allEvents(fleetLog(log), metrics.events) };
}

/**
 * Starts the /metrics + /healthz server, then the process itself; if the process cannot start,
 * the server is closed again so the command exits.
 */
export async function withOpsServer<T>(
  flags: FleetFlags & MetricsFlags,
  ops: ProcessOps,
  start: () => Promise<T>,
): Promise<{ server: OpsServer; started: T }> {
  const server = await startOpsServer({
    redisUrl: flags.redis,
    prefix: flags.prefix,
    host: flags.metricsHost,
    port: flags.metricsPort,
    metrics: ops.metrics,
  });
  try {
    return { server, started: await start() };
  } catch (error) {
    await server.close();
    throw error;
  }
}

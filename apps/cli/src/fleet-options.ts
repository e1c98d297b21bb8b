import { Option, type Command } from 'commander';
import { integer } from './dataset-options.js';

export interface FleetFlags {
  redis: string;
  prefix: string;
}

/** Where the fleet lives: flags, else environment, else local defaults. */
export function addFleetOptions(command: Command): Command {
  return command
    .addOption(new Option('--redis <url>', 'Redis URL').env('OCPSUM_REDIS_URL').default('redis://127.0.0.1:6379'))
    .addOption(
      new Option('--prefix <name>', 'queue and key prefix (wrapped in {…})').env('OCPSUM_PREFIX').default('ocpsum'),
    );
}

export interface PlanFlags {
  threshold: number;
  chunkRows: number;
  dayBytes: number;
  deadline: number;
  attempts: number;
}

export function addPlanOptions(command: Command): Command {
  return command
    .option(
      '--threshold <rows>',
      'datasets with fewer pod rows run as one in-memory job',
      integer('--threshold', 0, 1e12),
      100_000,
    )
    .option('--chunk-rows <rows>', 'rows per chunk', integer('--chunk-rows', 1000, 1e9), 1_000_000)
    .option(
      '--day-bytes <bytes>',
      "most partial aggregate bytes per day reduce (consecutive days are reduced together, spread over the workers)",
      integer('--day-bytes', 1, 2 ** 40),
      2 * 2 ** 20,
    )
    .option(
      '--deadline <seconds>',
      'fail a run not finished this long after enqueueing',
      integer('--deadline', 1, 7 * 86_400),
      1800,
    )
    .option('--attempts <n>', 'attempts per chunk before the run fails', integer('--attempts', 1, 20), 3);
}

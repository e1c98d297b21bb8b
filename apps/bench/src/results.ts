import type { BaselineCheck } from './baseline.js';
import type { BaselineVariant } from './baseline-sql.js';
import type { FleetProcess, FleetRun } from './fleet.js';
import type { MemoryRun } from './memory.js';
import type { Spread } from './stats.js';

/** Everything one benchmark run measured: what `latest.json` holds. */
export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  options: {
    sizes: string[];
    workers: number;
    threads: number;
    memoryThreads: number;
    baselineThreads: number;
    repeat: number;
    chunkRows: number;
    seed: number;
  };
  machine: MachineInfo;
  /** Things a reader must know to read the figures (repeats cut, how Redis peak is measured, …). */
  notes: string[];
  sizes: SizeResult[];
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  platform: string;
  kernel: string;
  /** 1, 5 and 15-minute load averages when the benchmark started. */
  loadAverageAtStart: number[];
  redis?: string;
  duckdb: string;
}

export interface SizeResult {
  label: string;
  rows: number;
  repeat: number;
  data: { dir: string; files: number; bytes: number; generatedMs: number; reused: boolean; uploadMs?: number };
  memory?: { runs: MemoryRun[]; wall: Spread; peakRssBytes: number; podRows: number };
  fleet?: {
    processes: FleetProcess[];
    runs: FleetRun[];
    /** Enqueue → output, from the run records. */
    wall: Spread;
    /** The `ocpsum enqueue --wait` command. */
    cliWall: Spread;
    redisPeakBytes: number;
    partialBytes: number;
    podRows: number;
  };
  baselines: Partial<Record<BaselineVariant, BaselineResultSet>>;
  targets: TargetResult[];
  errors: string[];
}

export interface BaselineResultSet {
  runs: { queryMs: number; processWallMs: number; peakRssBytes: number }[];
  /** Query time (materialized result), not the process. */
  wall: Spread;
  peakRssBytes: number;
  rows: number;
  check?: BaselineCheck & { passed: boolean };
}

export interface TargetResult {
  path: 'memory' | 'fleet';
  /** What is held to the target, as a person reads it: "wall", "worker-1 RSS", "fleet ÷ tuned". */
  what: string;
  value: number;
  limit: number;
  unit: 's' | 'MB' | '×' | '%';
  ok: boolean;
}

import type { SizeResult, TargetResult } from './results.js';
import { mb } from './stats.js';

/**
 * The targets of the columnar data path (README, "Benchmark"), by dataset size: times as ratios to the
 * tuned DuckDB query of the same run, as the machine's absolute times drift. A size gets the targets
 * of the row count it is within 10% of (22K, 1M, 10M); other sizes have none.
 */
interface Target {
  rows: number;
  /** The in-memory command's wall time ÷ the tuned baseline's. */
  memoryFactor?: number;
  /** The fleet's wall time ÷ the tuned baseline's. */
  fleetFactor?: number;
  /** The in-memory command's peak RSS. */
  memoryMb?: number;
  workerMb?: number;
  /** The reducer's peak RSS: it commits the outputs. */
  commitMb?: number;
  /** The part of the fleet's wall time after its last chunk (day reduces and commit), a fraction. */
  afterChunksShare?: number;
}

const TARGETS: Target[] = [
  { rows: 22_000, memoryMb: 150 },
  { rows: 1_000_000, memoryFactor: 1.5, workerMb: 400, commitMb: 200 },
  { rows: 10_000_000, memoryFactor: 1.5, fleetFactor: 2, workerMb: 400, commitMb: 200, afterChunksShare: 0.1 },
];

export function targetFor(rows: number): Target | undefined {
  return TARGETS.find((t) => Math.abs(rows - t.rows) <= t.rows * 0.1);
}

/** Every target that applies to a size, with its measured value (targets whose figure is missing are left out). */
export function evaluateTargets(size: SizeResult): TargetResult[] {
  const t = targetFor(size.rows);
  if (!t) return [];
  const out: TargetResult[] = [];
  const add = (path: TargetResult['path'], what: string, value: number, limit: number, unit: TargetResult['unit']) =>
    out.push({ path, what, value, limit, unit, ok: value <= limit });
  const { memory, fleet } = size;
  const tuned = size.baselines.tuned;
  if (memory && tuned && t.memoryFactor !== undefined) {
    add('memory', 'wall ÷ tuned baseline', memory.wall.median / tuned.wall.median, t.memoryFactor, '×');
  }
  if (memory && t.memoryMb !== undefined) add('memory', 'peak RSS', mb(memory.peakRssBytes), t.memoryMb, 'MB');
  if (fleet) {
    if (tuned && t.fleetFactor !== undefined) {
      add('fleet', 'wall ÷ tuned baseline', fleet.wall.median / tuned.wall.median, t.fleetFactor, '×');
    }
    for (const p of fleet.processes) {
      const limit = p.role === 'worker' ? t.workerMb : t.commitMb;
      if (p.peakRssBytes === undefined || limit === undefined) continue;
      add('fleet', `${p.name} RSS`, mb(p.peakRssBytes), limit, 'MB');
    }
    if (t.afterChunksShare !== undefined && fleet.runs.length) {
      const shares = fleet.runs.map((r) => r.afterChunksMs / r.recordMs).sort((a, b) => a - b);
      const median = shares[Math.floor(shares.length / 2)];
      add('fleet', 'after the last chunk ÷ wall', median * 100, t.afterChunksShare * 100, '%');
    }
  }
  return out;
}

/** `✓ ≤ 0.8 s` / `✗ ≤ 400 MB`. */
export function targetMark(target: TargetResult): string {
  const limit =
    target.unit === 'MB' && target.limit >= 1024 ? `${target.limit / 1024} GB` : `${target.limit} ${target.unit}`;
  if (target.unit === '×') return `${target.value.toFixed(1)}× ${target.ok ? '✓' : '✗'} ≤ ${target.limit}×`;
  if (target.unit === '%') return `${target.value.toFixed(0)}% ${target.ok ? '✓' : '✗'} ≤ ${target.limit}%`;
  return `${target.ok ? '✓' : '✗'} ≤ ${limit}`;
}

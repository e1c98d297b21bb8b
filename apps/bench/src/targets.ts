import type { SizeResult, TargetResult } from './results.js';
import { mb } from './stats.js';

/**
 * The targets of issue 6 on this 2-core machine, by dataset size. A size gets the targets of the issue's
 * row count it is within 10% of (22K, 1M, 10M); other sizes have none.
 */
interface Target {
  rows: number;
  memoryS?: number;
  fleetS?: number;
  /** The in-memory command's peak RSS. */
  memoryMb?: number;
  /** Every fleet process's peak RSS. */
  anyProcessMb?: number;
  workerMb?: number;
  coordinatorMb?: number;
  /** Fleet wall time ÷ the tuned baseline's. */
  tunedFactor?: number;
}

const TARGETS: Target[] = [
  { rows: 22_000, memoryS: 0.8, fleetS: 1, memoryMb: 120, anyProcessMb: 120 },
  { rows: 1_000_000, memoryS: 1.5, fleetS: 3, workerMb: 400 },
  { rows: 10_000_000, fleetS: 12, workerMb: 400, coordinatorMb: 1536, tunedFactor: 3 },
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
  if (memory && t.memoryS !== undefined) add('memory', 'wall', memory.wall.median / 1000, t.memoryS, 's');
  if (memory && t.memoryMb !== undefined) add('memory', 'peak RSS', mb(memory.peakRssBytes), t.memoryMb, 'MB');
  if (fleet) {
    if (t.fleetS !== undefined) add('fleet', 'wall', fleet.wall.median / 1000, t.fleetS, 's');
    for (const p of fleet.processes) {
      if (p.peakRssBytes === undefined) continue;
      const limit =
        t.anyProcessMb ?? (p.role === 'worker' ? t.workerMb : p.role === 'coordinator' ? t.coordinatorMb : undefined);
      if (limit !== undefined) add('fleet', `${p.name} RSS`, mb(p.peakRssBytes), limit, 'MB');
    }
    const tuned = size.baselines.tuned;
    if (t.tunedFactor !== undefined && tuned) {
      add('fleet', 'fleet ÷ tuned baseline', fleet.wall.median / tuned.wall.median, t.tunedFactor, '×');
    }
  }
  return out;
}

/** `✓ ≤ 0.8 s` / `✗ ≤ 400 MB`. */
export function targetMark(target: TargetResult): string {
  const limit =
    target.unit === 'MB' && target.limit >= 1024 ? `${target.limit / 1024} GB` : `${target.limit} ${target.unit}`;
  return `${target.ok ? '✓' : '✗'} ≤ ${target.unit === '×' ? `${target.limit}×` : limit}`;
}

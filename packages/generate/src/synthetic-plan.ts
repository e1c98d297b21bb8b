/** How big each part of a synthetic dataset is, worked out from the requested row count alone. */
export interface SyntheticPlan {
  days: number;
  hours: number;
  pods: number;
  nodes: number;
  namespaces: number;
  masters: number;
  infra: number;
  /**
   * Start hours of the last pods. All other pods run every hour of the month; these start late so
   * that the pod usage rows add up to exactly the requested count.
   */
  lateStarts: number[];
}

const LATE_PODS = 4;

export function planSynthetic(rows: number, days: number): SyntheticPlan {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, got ${rows}`);
  const hours = days * 24;
  const pods = Math.ceil(rows / hours);
  // pods × hours overshoots by less than one pod-month; the late pods skip that many hours between them.
  const excess = pods * hours - rows;
  const late = Math.min(pods, LATE_PODS);
  const lateStarts = Array.from(
    { length: late },
    (_, j) => Math.floor((excess * (j + 1)) / late) - Math.floor((excess * j) / late),
  );
  const nodes = Math.max(2, Math.round(pods / 25));
  return {
    days,
    hours,
    pods,
    nodes,
    namespaces: Math.max(3, Math.round(Math.sqrt(pods))),
    masters: nodes >= 6 ? 3 : 1,
    infra: nodes >= 8 ? 2 : 0,
    lateStarts,
  };
}

/** Pod usage rows of day `day` (1-based). */
export function podRowsOnDay(plan: SyntheticPlan, day: number): number {
  const first = (day - 1) * 24;
  const lateHours = plan.lateStarts.reduce(
    (sum, start) => sum + Math.max(0, Math.min(24, first + 24 - Math.max(start, first))),
    0,
  );
  return (plan.pods - plan.lateStarts.length) * 24 + lateHours;
}

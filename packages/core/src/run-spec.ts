import { z } from 'zod';
import type { RunSpec } from './interfaces.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

const referenceSchema = z.strictObject({
  enabledKeys: z.array(z.string().min(1)),
  costCategories: z.array(z.strictObject({ id: z.number().int(), pattern: z.string() })),
  nodeRoles: z.array(
    z.strictObject({ node: z.string().min(1), resourceId: z.string(), role: z.enum(['master', 'infra', 'worker']) }),
  ),
});

export const runSpecSchema = z.strictObject({
  org: z.string().min(1),
  source: z.string().min(1),
  year: z.number().int().min(1970).max(9999),
  month: z.number().int().min(1).max(12),
  startDate: isoDate,
  endDate: isoDate,
  clusterId: z.string(),
  clusterAlias: z.string(),
  reportPeriodId: z.number().int().nullable(),
  byPod: z.boolean(),
  reference: referenceSchema,
});

export type RunSpecInput = Pick<RunSpec, 'org' | 'source' | 'year' | 'month'> &
  Partial<Omit<RunSpec, 'org' | 'source' | 'year' | 'month'>>;

export function monthBounds(year: number, month: number): { first: string; last: string } {
  const mm = String(month).padStart(2, '0');
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { first: `${year}-${mm}-01`, last: `${year}-${mm}-${String(days).padStart(2, '0')}` };
}

/** Fills a run's defaults (whole month, cluster id = source, no reference data) and validates it. */
export function runSpec(input: RunSpecInput): RunSpec {
  const { first, last } = monthBounds(input.year, input.month);
  const clusterId = input.clusterId ?? input.source;
  const spec = runSpecSchema.parse({
    startDate: first,
    endDate: last,
    clusterAlias: clusterId,
    reportPeriodId: null,
    byPod: false,
    reference: { enabledKeys: [], costCategories: [], nodeRoles: [] },
    ...stripUndefined(input),
    clusterId,
  });
  if (spec.startDate < first || spec.endDate > last || spec.startDate > spec.endDate) {
    throw new Error(
      `window ${spec.startDate}..${spec.endDate} must lie within ${first}..${last} and start before it ends`,
    );
  }
  return spec;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

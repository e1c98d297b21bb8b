import { expect } from 'vitest';
import type { SummaryRow } from '@ocpsum/core';

/** Numbers equal within 1e-9 relative (absolute near zero); everything else exactly. */
export function sameNumber(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Asserts two row lists match row for row, naming the first row and column that differ. */
export function expectSameRows(actual: readonly SummaryRow[], expected: readonly SummaryRow[]): void {
  expect(actual.length, 'row count').toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    for (const column of Object.keys(expected[i]) as (keyof SummaryRow)[]) {
      const a = actual[i][column];
      const e = expected[i][column];
      const same = typeof e === 'number' || typeof a === 'number' ? sameNumber(a as number | null, e as number | null) : a === e;
      if (!same) {
        expect.fail(`row ${i} (${expected[i].data_source} ${expected[i].usage_start} ${expected[i].namespace} ${expected[i].node}) column ${column}: got ${JSON.stringify(a)}, expected ${JSON.stringify(e)}`);
      }
    }
  }
}

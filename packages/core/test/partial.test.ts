import { describe, expect, test } from 'vitest';
import { addLatestLabels, emptyPartial, mergePartials, type LatestLabels, type PartialAggregate } from '../src/index.js';

function withNodeLabels(...entries: LatestLabels[]): PartialAggregate {
  const p = emptyPartial();
  for (const e of entries) addLatestLabels(p.nodeLabels, e);
  return p;
}

describe('latest label rule under merge', () => {
  const early = { day: '2025-10-01', name: 'n1', interval: 1, labels: '{"zone":"z"}' };
  const lateA = { day: '2025-10-01', name: 'n1', interval: 2, labels: '{"app":"a"}' };
  const lateB = { day: '2025-10-01', name: 'n1', interval: 2, labels: '{"app":"b"}' };

  test('the latest interval wins whatever the order', () => {
    for (const order of [[early, lateA], [lateA, early]]) {
      const merged = mergePartials(order.map((e) => withNodeLabels(e)));
      expect([...merged.nodeLabels.values()]).toEqual([lateA]);
    }
  });

  test('a tie at the latest interval goes to the larger label string, in any order', () => {
    const orders = [[early, lateA, lateB], [lateB, lateA, early], [lateA, early, lateB]];
    for (const order of orders) {
      const merged = mergePartials(order.map((e) => withNodeLabels(e)));
      expect([...merged.nodeLabels.values()]).toEqual([lateB]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { datasetPrefix } from '../src/index.js';

const id = { org: 'org1234567', source: '6f2d6d0e-2f3c-4f8e-9a1b-1c2d3e4f5a6b', year: 2025, month: 3 };

describe('datasetPrefix', () => {
  it("is koku's layout with a zero-padded month", () => {
    expect(datasetPrefix(id)).toBe(
      'data/org1234567/OCP/source=6f2d6d0e-2f3c-4f8e-9a1b-1c2d3e4f5a6b/year=2025/month=03',
    );
    expect(datasetPrefix({ ...id, month: 12 })).toMatch(/\/year=2025\/month=12$/);
  });

  it('rejects ids that are not one folder each or not a real month', () => {
    expect(() => datasetPrefix({ ...id, org: '../etc' })).toThrow(/org/);
    expect(() => datasetPrefix({ ...id, source: 'a/b' })).toThrow(/source/);
    expect(() => datasetPrefix({ ...id, source: '..' })).toThrow(/source/);
    expect(() => datasetPrefix({ ...id, org: '' })).toThrow(/org/);
    expect(() => datasetPrefix({ ...id, month: 13 })).toThrow(/month/);
    expect(() => datasetPrefix({ ...id, month: 0 })).toThrow(/month/);
    expect(() => datasetPrefix({ ...id, year: 25 })).toThrow(/year/);
    expect(() => datasetPrefix({ ...id, month: 2.5 })).toThrow(/month/);
  });
});

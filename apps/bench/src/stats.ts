/** Median, min and max of a non-empty list of numbers (the median of an even count is the mean of the middle two). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: number[]): Spread {
  if (!values.length) throw new Error('spread of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/** `22k` → 22000, `1m` → 1000000, `10M` → 10000000, `250000` → 250000. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`size "${text}" is not a row count such as 22k, 1m, 10m or 250000`);
  const factor = { '': 1, k: 1e3, m: 1e6 }[match[2].toLowerCase() as '' | 'k' | 'm'];
  const rows = Math.round(Number(match[1]) * factor);
  if (rows < 1) throw new Error(`size "${text}" must be at least one row`);
  return rows;
}

/** The label a size is shown and stored under: 22000 → `22k`, 1000000 → `1m`, 1234 → `1234`. */
export function sizeLabel(rows: number): string {
  if (rows >= 1e6 && rows % 1e6 === 0) return `${rows / 1e6}m`;
  if (rows >= 1e3 && rows % 1e3 === 0) return `${rows / 1e3}k`;
  return String(rows);
}

/** 22000 → `22K`, 1000000 → `1M`, 2500000 → `2.5M`. */
export function rowsShort(rows: number): string {
  if (rows >= 1e6) return `${+(rows / 1e6).toFixed(2)}M`;
  if (rows >= 1e3) return `${+(rows / 1e3).toFixed(1)}K`;
  return String(rows);
}

export const mb = (bytes: number) => bytes / 2 ** 20;

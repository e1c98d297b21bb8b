import type { Num } from './interfaces.js';

/** SQL sum of two nullable numbers: NULLs are skipped, NULL + NULL stays NULL. */
export function addN(a: Num, b: Num): Num {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}

/** SQL max of two nullable values. */
export function maxN<T extends number | string>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/** SQL a − b: NULL when either side is NULL. */
export function subN(a: Num, b: Num): Num {
  return a === null || b === null ? null : a - b;
}

/** Scales a nullable number. */
export function scaleN(a: Num, factor: number): Num {
  return a === null ? null : a * factor;
}

import type { Num } from './interfaces.js';
import { scaleN } from './nums.js';

const GIB = 2 ** -30;

export const coreHours = (coreSeconds: Num): Num => scaleN(coreSeconds, 1 / 3600);
export const gigabyteHours = (byteSeconds: Num): Num => scaleN(byteSeconds, GIB / 3600);
export const gigabytes = (bytes: Num): Num => scaleN(bytes, GIB);
export const gigabyteMonths = (byteSeconds: Num, daysInMonth: number): Num =>
  scaleN(byteSeconds, GIB / (86400 * daysInMonth));

/** Days in the month of a `YYYY-MM-DD` date. */
export function daysInMonth(day: string): number {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

import { hostname } from 'node:os';

/** How a process is named in run reports and logs. */
export const PROCESS_ID = `${hostname()}:${process.pid}`;

export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

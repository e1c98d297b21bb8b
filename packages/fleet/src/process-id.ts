import { hostname } from 'node:os';

/** How a process is named in run reports and logs. */
export const PROCESS_ID = `${hostname()}:${process.pid}`;

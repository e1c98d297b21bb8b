import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const TIME = '/usr/bin/time';
const MARK = 'BENCH-TIME';

export interface TimedResult {
  /** Whole-command wall time as /usr/bin/time measured it. */
  wallMs: number;
  /** Peak resident set size of the command, bytes. */
  peakRssBytes: number;
  stdout: string;
  /** The command's own stderr, without /usr/bin/time's line. */
  stderr: string;
}

const live = new Set<ChildProcess>();

/** Stops every command still running (each runs in its own process group, /usr/bin/time and all). */
export function killTimedCommands(): void {
  for (const child of live) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

export function checkTimeAvailable(): void {
  try {
    accessSync(TIME, constants.X_OK);
  } catch {
    throw new Error(`${TIME} not found: install the Debian package "time" (GNU time measures wall time and peak RSS)`);
  }
}

/** Runs a command under GNU time and resolves with its wall time and peak RSS; rejects if it fails. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<TimedResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-f', `${MARK} %e %M %x`, command, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => {
      live.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      const lines = stderr.trimEnd().split('\n');
      let last = lines.length - 1;
      while (last >= 0 && !lines[last].startsWith(MARK)) last--;
      const own = lines.filter(
        (_, i) => i !== last && !/^Command (exited with non-zero status|terminated by signal)/.test(lines[i]),
      );
      const text = own.join('\n');
      const what = `${command} ${args.join(' ')}`;
      if (last < 0 || code !== 0) {
        reject(
          new Error(`${what} failed (${signal ?? `exit ${code}`}):\n${text.slice(-4000)}\n${stdout.slice(-2000)}`),
        );
        return;
      }
      const [, seconds, kb] = lines[last].split(' ');
      resolve({ wallMs: Number(seconds) * 1000, peakRssBytes: Number(kb) * 1024, stdout, stderr: text });
    });
  });
}

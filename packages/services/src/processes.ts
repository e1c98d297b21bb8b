import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A server started by a test, with the tail of its output for error messages. */
export interface Child {
  process: ChildProcess;
  name: string;
  output(): string;
  /** The start of its output, where a server says it is ready (a busy server soon pushes that out of the tail). */
  head(): string;
  exited(): boolean;
  /** Signals that stop() sends in turn (the last should be one the server cannot ignore). */
  stopSignals: NodeJS.Signals[];
  /** Called once the server has exited. */
  forget(): void;
}

// If the test process ends without stop() (a failed test; vitest ending its workers, when no 'exit' handler
// runs), its servers must not live on. Each server gets a watchdog shell blocked reading a pipe from this
// process: the pipe closes however this process ends, even SIGKILL, and the watchdog then signals the
// server, waits for it and removes its folder.
const WATCHDOG =
  'read _; kill -s "$2" "$1" 2>/dev/null; while kill -0 "$1" 2>/dev/null; do sleep 0.2; done; rm -rf "$3"';

export function startChild(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { stopSignals?: NodeJS.Signals[]; exitSignal?: NodeJS.Signals; cleanup?: string } = {},
): Child {
  const { stopSignals = ['SIGTERM', 'SIGKILL'], exitSignal = 'SIGKILL', cleanup = '', ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  let head = '';
  let tail = '';
  let gone = false;
  // Keep the first and the last few KB only; the pipes must be read anyway or a chatty server blocks.
  const keep = (data: Buffer) => {
    const text = data.toString();
    if (head.length < 8000) head += text.slice(0, 8000 - head.length);
    tail = (tail + text).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('exit', () => (gone = true));
  child.on('error', (error) => {
    keep(Buffer.from(`\n${error.message}\n`));
    // A process that could not be spawned never emits 'exit'.
    if (child.pid === undefined) gone = true;
  });
  let watchdog: ChildProcess | undefined;
  if (child.pid !== undefined) {
    const signal = exitSignal.replace(/^SIG/, '');
    watchdog = spawn('sh', ['-c', WATCHDOG, 'watchdog', String(child.pid), signal, cleanup], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    // Neither the watchdog nor its pipe may keep the test process alive.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref(): void }).unref();
    watchdog.stdin!.on('error', () => undefined);
  }
  return {
    process: child,
    name,
    output: () => tail,
    head: () => head,
    exited: () => gone || child.exitCode !== null || child.signalCode !== null,
    stopSignals,
    forget: () => watchdog?.kill('SIGKILL'),
  };
}

/** Polls `ready` until it says yes; fails early, with the server's output, if the server exits first. */
export async function waitReady(child: Child, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exited()) {
      child.forget();
      throw new Error(`${child.name} exited before it was ready:\n${child.output()}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${child.name} was not ready after ${timeoutMs} ms:\n${child.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends the child's stop signals in turn until it exits, waiting `graceMs` after each. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  const signals = child.stopSignals;
  for (const signal of signals) {
    if (child.exited()) return child.forget();
    const exited = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), graceMs);
      child.process.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    child.process.kill(signal);
    if (await exited) return child.forget();
  }
  throw new Error(`${child.name} (pid ${child.process.pid}) did not exit after ${signals.join(', ')}`);
}

/** The first executable called `name` in `dirs`, then on PATH. */
export function findExecutable(name: string, dirs: string[] = []): string | undefined {
  const path = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of [...dirs, ...path, '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export interface RestartOptions {
  /** SIGKILL instead of a clean stop: the server gets no chance to shut down (flush, fsync). */
  kill?: boolean;
  /** How long it stays down before it starts again (default 0), as a rescheduled server would. */
  downMs?: number;
}

/**
 * A server living in its own temporary folder: launched now (the folder removed if that fails),
 * stopped with its folder removed, or restarted on the same folder.
 */
export async function launchInFolder(
  dir: string,
  launch: () => Promise<Child>,
): Promise<{ stop(): Promise<void>; restart(options?: RestartOptions): Promise<void> }> {
  let child: Child;
  try {
    child = await launch();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
    async restart({ kill = false, downMs = 0 }: RestartOptions = {}) {
      await stopChild(kill ? { ...child, stopSignals: ['SIGKILL'] } : child);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch();
    },
  };
}

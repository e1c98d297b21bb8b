import type { Logger } from '@ocpsum/ops';

/**
 * Graceful stop for long-running processes: the first SIGTERM/SIGINT runs `closers` in order
 * (current jobs finish or are handed back, then the metrics server, Redis and DuckDB close) and
 * exits 0; a second signal exits 1 at once.
 */
export function closeOnSignal(name: string, log: Logger, closers: (() => Promise<void>)[]): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn({ event: 'signal', signal }, `${name}: ${signal} again, exiting now`);
      process.exit(1);
    }
    closing = true;
    const started = performance.now();
    log.info({ event: 'signal', signal }, `${name}: ${signal}, finishing current work (send again to force)`);
    (async () => {
      for (const close of closers) await close();
    })().then(
      () => {
        log.info({ event: 'closed', durationMs: Math.round(performance.now() - started) }, `${name}: closed`);
        process.exit(0);
      },
      (error: Error) => {
        log.error({ event: 'close.failed', err: error }, `${name}: error while closing: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

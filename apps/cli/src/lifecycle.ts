/**
 * Graceful stop for long-running processes: the first SIGTERM/SIGINT closes cleanly (current jobs
 * finish or are handed back) and exits 0; a second signal exits at once.
 */
export function closeOnSignal(name: string, close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) {
      console.error(`${name}: ${signal} again, exiting now`);
      process.exit(1);
    }
    closing = true;
    console.error(`${name}: ${signal}, finishing current work (send again to force)`);
    close().then(
      () => process.exit(0),
      (error) => {
        console.error(`${name}: error while closing: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

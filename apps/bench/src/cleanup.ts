/**
 * What the benchmark must undo however it ends: servers, worker processes, temp folders. Each step is
 * registered when its resource exists and runs once, newest first, on a normal end, an error or a signal.
 */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];
  private running: Promise<void> | undefined;

  /** Registers a step; returns a function that runs it now (and unregisters it). */
  add(name: string, run: () => Promise<void> | void): () => Promise<void> {
    const step = { name, run };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await step.run();
    };
  }

  /** Runs every registered step, newest first; failures are reported and do not stop the others. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length) {
        const step = this.steps.pop()!;
        try {
          await step.run();
        } catch (error) {
          process.stderr.write(`bench: cleanup "${step.name}" failed: ${(error as Error).message}\n`);
        }
      }
    })();
    return this.running;
  }

  /** SIGINT/SIGTERM run the cleanup and exit (130/143); a second signal exits at once. */
  onSignals(): void {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      const code = signal === 'SIGINT' ? 130 : 143;
      if (stopping) process.exit(code);
      stopping = true;
      process.stderr.write(`\nbench: ${signal}, stopping servers and removing temp files (again to force)\n`);
      this.runAll().finally(() => process.exit(code));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }
}

/** One line per step of long work, on stderr. */
export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

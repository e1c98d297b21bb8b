import { startChild, stopChild, waitReady, type Child } from '../harness/processes.js';
import { CLI } from './cli.js';

/** A long-running `ocpsum` process (worker, coordinator), ready once it has said so. */
export async function startOcpsum(name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Child> {
  const child = startChild(name, process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  await waitReady(child, async () => ready.test(child.output()));
  return child;
}

export { stopChild };

import { startChild, stopChild, waitReady, type Child } from '@ocpsum/services';
import { CLI } from './cli.js';

export interface OcpsumChild extends Child {
  /** Base URL of its /metrics and /healthz (the board's own URL), as its ready line says. */
  opsUrl?: string;
}

/**
 * A long-running `ocpsum` process (worker, coordinator, board), ready once it has said so. Its
 * metrics server takes any free port unless `env` says otherwise, so processes never collide.
 */
export async function startOcpsum(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<OcpsumChild> {
  const child: OcpsumChild = startChild(name, process.execPath, [CLI, ...args], {
    env: { ...process.env, OCPSUM_METRICS_PORT: '0', ...env },
  });
  await waitReady(child, async () => ready.test(child.head()));
  child.opsUrl = /(http:\/\/[^\s"/]+)\/metrics/.exec(child.head())?.[1];
  return child;
}

export { stopChild };

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, run as a user runs it. */
export const CLI = fileURLToPath(new URL('../../apps/cli/dist/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ocpsum ARGS…` in a child process and resolves with its exit code and output, never rejecting. */
export function ocpsum(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 240_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the CLI and insists it succeeds, showing its output when it does not. */
export async function cliOk(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const result = await ocpsum(args, { env, timeoutMs: 300_000 });
  if (result.code !== 0)
    throw new Error(`ocpsum ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return result;
}

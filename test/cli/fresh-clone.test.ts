/**
 * `npx --no-install ocpsum …` right after the first `npm ci` of a fresh clone, as the README says.
 *
 * npm links the workspaces' bins before it runs the root `prepare` script (`tsc -b`), and it links no
 * bin whose file is missing; so the `ocpsum` bin is a committed shim (apps/cli/bin/ocpsum.js) that loads
 * the compiled apps/cli/dist/main.js. This test clones the repository's HEAD (committed files only, as
 * CI's clone), runs `npm ci` once there and then the command. It takes about 20 s with npm's cache warm.
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHIM = join('apps', 'cli', 'bin', 'ocpsum.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user's shell, not of the `npm test` that runs this file: npm's own variables
 * (npm_config_*, npm_lifecycle_*…) and the outer checkout's node_modules/.bin on PATH would let the
 * clone's npm see the outer project.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD') env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !/node_modules[\\/]\.bin|node-gyp-bin/.test(dir))
    .join(delimiter);
  return env;
}

function exec(file: string, args: string[], cwd: string, timeoutMs: number): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: userEnv(), timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const isGitCheckout = existsSync(join(ROOT, '.git'));

describe.skipIf(!isGitCheckout)('a fresh clone', () => {
  let tmp: string;
  let clone: string;
  let npmCi: Result;

  beforeAll(async () => {
    const head = (await exec('git', ['rev-parse', 'HEAD'], ROOT, 10_000)).stdout.trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    tmp = await mkdtemp(join(tmpdir(), 'ocpsum-clone-'));
    clone = join(tmp, 'ocpsum');
    const cloned = await exec('git', ['clone', '--quiet', '--local', '--no-checkout', ROOT, clone], tmp, 60_000);
    expect(cloned.code, cloned.stderr).toBe(0);
    const checkout = await exec('git', ['checkout', '--quiet', '--detach', head], clone, 60_000);
    expect(checkout.code, checkout.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('the clone stands on its own: nothing in it points outside the repository for its rules', async () => {
    // A user's clone has no ../shared folder; the summary rules are docs/rules.md.
    const outside = await exec(
      'git',
      ['grep', '-n', '-I', '-F', '-e', '../shared', '-e', 'DESIGN.md', '--', '.', ':!test/cli/fresh-clone.test.ts'],
      clone,
      30_000,
    );
    expect(outside.code, outside.stderr).toBe(1); // git grep: 1 = no line matched
    expect(outside.stdout).toBe('');
    expect(existsSync(join(clone, 'docs', 'rules.md'))).toBe(true);
  });

  test('before anything is built, the ocpsum shim says to run npm run build', async () => {
    const staged = await exec('git', ['ls-files', '--stage', '--', SHIM], clone, 10_000);
    expect(staged.stdout, 'the shim is committed executable').toMatch(/^100755 /);
    expect(statSync(join(clone, SHIM)).mode & 0o100).toBe(0o100);
    expect(existsSync(join(clone, 'apps', 'cli', 'dist'))).toBe(false);
    const result = await exec(process.execPath, [SHIM, '--help'], clone, 30_000);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ocpsum is not built');
    expect(result.stderr).toContain('npm run build');
  });

  test('after one npm ci, npx --no-install ocpsum --help prints the usage', async () => {
    npmCi = await exec('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], clone, 150_000);
    expect(npmCi.code, npmCi.stderr).toBe(0);
    // The root prepare script ran, and no install script was held back for want of an allowScripts entry.
    expect(existsSync(join(clone, 'apps', 'cli', 'dist', 'main.js'))).toBe(true);
    expect(npmCi.stdout + npmCi.stderr).not.toContain('install-scripts');

    const bin = join(clone, 'node_modules', '.bin', 'ocpsum');
    expect(existsSync(bin), 'npm linked the ocpsum bin').toBe(true);
    expect(realpathSync(bin)).toBe(realpathSync(join(clone, SHIM)));

    const help = await exec('npx', ['--no-install', 'ocpsum', '--help'], clone, 60_000);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: ocpsum [options] [command]');
    for (const command of ['run', 'enqueue', 'worker', 'reducer', 'generate']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }

    // A command's own help goes through the shim to its (lazily loaded) module.
    const run = await exec('npx', ['--no-install', 'ocpsum', 'run', '--help'], clone, 60_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: ocpsum run [options]');
  }, 300_000);
});

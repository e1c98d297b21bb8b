/** The README's list of commands is the one `ocpsum --help` prints, in the same order. */
import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { ocpsum } from '../helpers/cli.js';

test("the README's command table lists exactly the commands of ocpsum --help", async () => {
  const help = await ocpsum(['--help']);
  expect(help.code, help.stderr).toBe(0);
  const listed = help.stdout.slice(help.stdout.indexOf('Commands:'));
  const commands = [...listed.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  expect(commands).toContain('runs');

  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'));
  const table = usage.slice(usage.indexOf('| command |'), usage.indexOf('\n\n', usage.indexOf('| command |')));
  const documented = [...table.matchAll(/^\| `([a-z-]+)/gm)].map((m) => m[1]);
  expect(documented).toEqual(commands);
});

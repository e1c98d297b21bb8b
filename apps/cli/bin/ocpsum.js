#!/usr/bin/env node
// The `ocpsum` command that npm links into node_modules/.bin. It is committed JavaScript, not build
// output, so the link exists after the first `npm ci` of a fresh clone: npm links workspace bins
// before the root `prepare` script (`tsc -b`) has compiled dist/main.js, and it skips a bin whose
// file is missing. The CLI itself is dist/main.js; this file only loads it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);

if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    `ocpsum is not built: ${fileURLToPath(main)} is missing.\n` +
      'Run `npm run build` (or `npm ci`) at the root of the repository, then try again.\n',
  );
  process.exitCode = 1;
} else {
  await import(main.href);
}

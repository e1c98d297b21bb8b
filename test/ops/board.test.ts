/**
 * `ocpsum board`: Bull Board over the fleet's queues, seen in headless Chromium while a run is in
 * progress; basic auth; the refusal to serve a non-loopback address unauthenticated.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { openBrowser } from '../helpers/browser.js';
import { ocpsum } from '../helpers/cli.js';
import { firstLine, fleetWorld } from '../helpers/fleet.js';
import { get } from '../helpers/ops.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

const world = fleetWorld('board', { month: { rows: 60_000, seed: 21 } });
const SOURCE = world.source('month');

test('headless Chromium sees every queue of the fleet and the chunk and reduce jobs of a run in progress', async () => {
  // No workers: the run stays queued, its jobs waiting where a person would look for them.
  const out = join(world.work, 'board.csv');
  const { stdout } = await world.cli(
    world.enqueue('month', 'board', ['--threshold', '0', '--chunk-rows', '10000', '--out', out]),
  );
  const runId = firstLine(stdout);
  const status = await world.cli(['status', runId, ...world.fleet('board')]);
  expect(status.stdout).toMatch(new RegExp(`run ${runId}: queued`));

  const board = await world.start('board', [...world.fleet('board'), '--port', '0']);
  expect(board.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const label = `${SOURCE.slice(0, 8)} 2025-10`;
  await mkdir(ARTIFACTS, { recursive: true });

  const browser = await openBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${board.opsUrl}/`);
    for (const queue of ['chunks', 'reduce', 'days', 'commit', 'whole']) {
      await expect(
        page.getByRole('link', { name: queue, exact: true }).first().waitFor({ timeout: 15_000 }),
      ).resolves.toBeUndefined();
    }
    await page.screenshot({ path: join(ARTIFACTS, 'board-overview.png') });

    await page.goto(`${board.opsUrl}/queue/chunks?status=waiting`);
    const firstChunk = page.getByText(new RegExp(`chunk 1/\\d+ ${label}`)).first();
    await firstChunk.waitFor({ timeout: 15_000 });
    const body = (await page.textContent('body')) ?? '';
    const chunks = body.match(new RegExp(`chunk \\d+/\\d+ ${label}`, 'g')) ?? [];
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, 'board.png') });

    await page.goto(`${board.opsUrl}/queue/reduce?status=waiting-children`);
    await page
      .getByText(new RegExp(`reduce ${label} · \\d+ chunks`))
      .first()
      .waitFor({ timeout: 15_000 });

    // The page asked for nothing outside this machine but what the route above refused (web fonts).
    expect(browser.blocked.every((url) => url.startsWith('https://fonts.googleapis.com/'))).toBe(true);
  } finally {
    await browser.close();
  }
  await world.cli(['cancel', runId, ...world.fleet('board')]);
});

test('with OCPSUM_BOARD_USER and OCPSUM_BOARD_PASSWORD: 401 without credentials, 200 with them; /healthz stays open', async () => {
  const password = 'board-pass-7Q';
  const board = await world.start('board', [...world.fleet('board'), '--port', '0'], {
    env: { OCPSUM_BOARD_USER: 'ops', OCPSUM_BOARD_PASSWORD: password },
  });
  const url = board.opsUrl!;
  const basic = (user: string, pass: string) => ({
    Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
  });

  const anonymous = await get(`${url}/`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  expect((await get(`${url}/api/queues`)).status).toBe(401);
  expect((await get(`${url}/metrics`)).status).toBe(401);
  expect((await get(`${url}/`, basic('ops', 'wrong'))).status).toBe(401);
  expect((await get(`${url}/`, basic('other', password))).status).toBe(401);

  const page = await get(`${url}/`, basic('ops', password));
  expect(page.status).toBe(200);
  expect(page.text).toContain('ocpsum {board}');
  const api = await get(`${url}/api/queues`, basic('ops', password));
  expect(api.status).toBe(200);
  expect((JSON.parse(api.text) as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual([
    'chunks',
    'commit',
    'days',
    'reduce',
    'whole',
  ]);
  expect((await get(`${url}/metrics`, basic('ops', password))).text).toContain(
    'ocpsum_queue_depth{queue="chunks",state="waiting"}',
  );

  const health = await get(`${url}/healthz`);
  expect(health.status).toBe(200);
  expect(JSON.parse(health.text)).toEqual({ redis: 'ok' });
  expect(board.output()).not.toContain(password);
});

test('refuses a non-loopback address without auth, saying how to fix it', async () => {
  const result = await ocpsum(['board', ...world.fleet('board'), '--host', '0.0.0.0', '--port', '0'], {
    env: world.env,
    timeoutMs: 30_000,
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/refusing to serve the board on 0\.0\.0\.0 without authentication/);
  expect(result.stderr).toMatch(/OCPSUM_BOARD_USER and OCPSUM_BOARD_PASSWORD/);
  expect(result.stderr).toMatch(/--insecure/);
});

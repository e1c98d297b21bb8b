/** Log lines (structure, levels, secrets, terminal format) and the board's auth rules, in process. */
import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import {
  basicAuthChecker,
  boardCredentialsFromEnv,
  createLogger,
  isLoopback,
  pretty,
  secretScrubber,
} from '@ocpsum/ops';

function capture(options: Parameters<typeof createLogger>[1] = {}) {
  const lines: string[] = [];
  const log = createLogger('worker', { format: 'json', level: 'info', write: (line) => lines.push(line), ...options });
  return { log, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logs', () => {
  test('one JSON line per event, with level, role, process id and the event fields', () => {
    const { log, lines, entries } = capture();
    log.info({ event: 'job.completed', runId: 'abc', chunk: 3, durationMs: 12 }, 'completed chunk 4/9');
    log.debug('not at info');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].trim()).not.toContain('\n');
    expect(entries()[0]).toMatchObject({
      level: 'info',
      role: 'worker',
      process: expect.stringMatching(/^.+:\d+$/),
      event: 'job.completed',
      runId: 'abc',
      chunk: 3,
      durationMs: 12,
      msg: 'completed chunk 4/9',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  test('secrets never reach a line: secret fields, URL passwords, secret environment values', () => {
    const env = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG', PGPASSWORD: 'pg-"quoted"-pw' };
    const { log, lines } = capture();
    const scrub = secretScrubber(env);
    log.info(
      { password: 'p1', s3: { secretAccessKey: 'k1', accessKeyId: 'AKIA1' }, headers: { authorization: 'Basic eDp5' } },
      'fields',
    );
    log.info({ url: 'redis://user:hunter2@redis:6379/0' }, 'connecting to postgres://koku:s3cret@db:5432/koku');
    log.error({ err: new Error('cannot reach rediss://:pa55@cache:6380') }, 'failed');
    const text = lines.join('');
    for (const secret of ['p1', 'k1', 'AKIA1', 'eDp5', 'hunter2', 's3cret', 'pa55']) expect(text).not.toContain(secret);
    expect(text).toContain('redis://user:***@redis:6379/0');
    expect(text).toContain('postgres://koku:***@db:5432/koku');

    const line = JSON.stringify({ msg: `key ${env.AWS_SECRET_ACCESS_KEY} and ${env.PGPASSWORD}` });
    const scrubbed = scrub(line);
    expect(scrubbed).not.toContain('wJalrXUtnFEMI');
    expect(scrubbed).not.toContain('quoted');
    expect(JSON.parse(scrubbed)).toEqual({ msg: 'key *** and ***' });
  });

  test('the level comes from OCPSUM_LOG_LEVEL; a wrong one is an error that lists the levels', () => {
    const saved = process.env.OCPSUM_LOG_LEVEL;
    try {
      process.env.OCPSUM_LOG_LEVEL = 'warn';
      const lines: string[] = [];
      const log = createLogger('reducer', { format: 'json', write: (l) => lines.push(l) });
      log.info('quiet');
      log.warn('loud');
      expect(lines).toHaveLength(1);
      process.env.OCPSUM_LOG_LEVEL = 'chatty';
      expect(() => createLogger('reducer', { format: 'json' })).toThrow(
        /OCPSUM_LOG_LEVEL="chatty" is not a log level: use one of .*debug.*warn/,
      );
    } finally {
      if (saved === undefined) delete process.env.OCPSUM_LOG_LEVEL;
      else process.env.OCPSUM_LOG_LEVEL = saved;
    }
  });

  test('for a terminal: time, level, message, then the fields', () => {
    const line = pretty(
      JSON.stringify({
        level: 'info',
        time: '2025-10-01T12:34:56.789Z',
        role: 'worker',
        process: 'h:1',
        event: 'job.completed',
        runId: 'abc',
        chunk: 2,
        msg: 'completed chunk 3/9',
      }),
    );
    expect(line).toBe('12:34:56.789 INFO  completed chunk 3/9  event=job.completed runId=abc chunk=2\n');
    expect(pretty('not json\n')).toBe('not json\n');
  });
});

describe('board auth', () => {
  const request = (authorization?: string) =>
    ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
  const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

  test('basic auth accepts exactly the configured user and password', () => {
    const check = basicAuthChecker({ user: 'ops', password: 'p:a ss' });
    expect(check(request(basic('ops:p:a ss')))).toBe(true);
    expect(check(request(basic('ops:p:a s')))).toBe(false);
    expect(check(request(basic('opz:p:a ss')))).toBe(false);
    expect(check(request(basic('ops')))).toBe(false);
    expect(check(request('Bearer x'))).toBe(false);
    expect(check(request())).toBe(false);
  });

  test('credentials from the environment: both or neither', () => {
    expect(boardCredentialsFromEnv({})).toBeUndefined();
    expect(boardCredentialsFromEnv({ OCPSUM_BOARD_USER: 'u', OCPSUM_BOARD_PASSWORD: 'p' })).toEqual({
      user: 'u',
      password: 'p',
    });
    expect(() => boardCredentialsFromEnv({ OCPSUM_BOARD_USER: 'u' })).toThrow(
      /both OCPSUM_BOARD_USER and OCPSUM_BOARD_PASSWORD/,
    );
    expect(() => boardCredentialsFromEnv({ OCPSUM_BOARD_PASSWORD: 'p' })).toThrow(/both/);
  });

  test('loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'board.example', '192.168.1.2'])
      expect(isLoopback(host), host).toBe(false);
  });
});

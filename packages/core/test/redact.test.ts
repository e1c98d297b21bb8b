import { expect, test } from 'vitest';
import { redactUrl } from '../src/index.js';

test('passwords in URLs are replaced, everything else is left alone', () => {
  expect(redactUrl('postgres://ocp:s3cret@db:5432/koku?schema=org1')).toBe('postgres://ocp:***@db:5432/koku?schema=org1');
  expect(redactUrl('redis://:s3cret@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
  expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  expect(redactUrl('s3://bucket/prefix')).toBe('s3://bucket/prefix');
  expect(redactUrl('out/summary.csv')).toBe('out/summary.csv');
  expect(redactUrl('postgres://u:p@ss w0rd@host/db')).not.toContain('w0rd');
});

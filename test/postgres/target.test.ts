/** The PostgreSQL target string: one string with the schema in it, parsed, validated and redacted. */
import { describe, expect, test } from 'vitest';
import {
  checkPostgresTarget,
  isPostgresTarget,
  parsePostgresTarget,
  postgresTarget,
} from '@ocpsum/sinks';
import { redactUrl } from '@ocpsum/core';

describe('PostgreSQL targets', () => {
  test("the schema parameter is ocpsum's: removed before connecting, public by default, folded to lower case", () => {
    const t = parsePostgresTarget(
      'postgres://me:pw@db.example:6543/koku?schema=Org_1234567&sslmode=require&connect_timeout=2',
    );
    expect(t.schema).toBe('org_1234567');
    expect(t.connectTimeoutMs).toBe(2000);
    expect(t.connectionString).toBe('postgres://me:pw@db.example:6543/koku?sslmode=require');
    expect(t.redacted).toBe(
      'postgres://me:***@db.example:6543/koku?schema=Org_1234567&sslmode=require&connect_timeout=2',
    );
    expect(parsePostgresTarget('postgresql://me@host/db')).toMatchObject({ schema: 'public', connectTimeoutMs: 5000 });
    expect(isPostgresTarget('PostgreSQL://x')).toBe(true);
    expect(isPostgresTarget('s3://bucket/postgres://')).toBe(false);
  });

  test('invalid schemas and timeouts are refused, naming the target without its password', () => {
    for (const schema of ['x;drop', '1abc', 'a b', '', 'a'.repeat(64)]) {
      expect(() => parsePostgresTarget(`postgres://me:secret@h/db?schema=${encodeURIComponent(schema)}`)).toThrow(
        /^PostgreSQL target postgres:\/\/me:\*\*\*@h\/db\?schema=.*: schema: invalid identifier/,
      );
    }
    expect(() => parsePostgresTarget('postgres://h/db?schema=a&schema=b')).toThrow(/give the schema parameter once/);
    expect(() => parsePostgresTarget('postgres://h/db?connect_timeout=soon')).toThrow(/connect_timeout/);
    expect(() => checkPostgresTarget('postgres://h/db', 'not-a-uuid')).toThrow(/source "not-a-uuid" is not a uuid/);
    expect(() => checkPostgresTarget('postgres://h/db', '3F0C2A7E-8D41-4B6A-9E2F-5C7D1B3A9E04')).not.toThrow();
  });

  test('--pg URL --pg-schema NAME make one target; a different schema in the URL is an error', () => {
    expect(postgresTarget('postgres://me@h:5432/db', 'org1')).toBe('postgres://me@h:5432/db?schema=org1');
    expect(postgresTarget('postgres://me@h:5432/db?schema=org1', 'org1')).toBe('postgres://me@h:5432/db?schema=org1');
    expect(postgresTarget('postgres://me@h:5432/db?schema=org1')).toBe('postgres://me@h:5432/db?schema=org1');
    expect(() => postgresTarget('postgres://me:pw@h/db?schema=one', 'two')).toThrow(
      'PostgreSQL target postgres://me:***@h/db?schema=one: its schema=one differs from --pg-schema two',
    );
  });

  test('redaction: passwords never show, also in strings that are not valid URLs', () => {
    expect(redactUrl('postgres://user:p%40ss@h/db')).toBe('postgres://user:***@h/db');
    expect(redactUrl('postgres://user@h/db')).toBe('postgres://user@h/db');
    expect(redactUrl('postgres://user:pw@[bad/db')).toBe('postgres://user:***@[bad/db');
    expect(redactUrl('/tmp/out.csv')).toBe('/tmp/out.csv');
  });
});

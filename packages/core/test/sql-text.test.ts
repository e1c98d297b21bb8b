import { expect, test } from 'vitest';
import { sqlString, validIdentifier } from '../src/index.js';

test('sqlString doubles quotes and refuses NUL', () => {
  expect(sqlString("it's")).toBe("'it''s'");
  expect(sqlString("'; DROP TABLE x; --")).toBe("'''; DROP TABLE x; --'");
  expect(() => sqlString('a\0b')).toThrow(/NUL/);
});

test('validIdentifier accepts plain names only', () => {
  expect(validIdentifier('reporting_ocpusagelineitem_daily_summary')).toBe('reporting_ocpusagelineitem_daily_summary');
  for (const bad of ['', '1abc', 'a-b', 'a b', 'a;drop', '"x"', 'a'.repeat(64)]) {
    expect(() => validIdentifier(bad)).toThrow(/invalid identifier/);
  }
});

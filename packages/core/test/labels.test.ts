import { describe, expect, test } from 'vitest';
import { LabelError, LabelNormalizer, mergeLabelJson, parseLabels } from '../src/index.js';

describe('parseLabels', () => {
  test('reads a JSON object of strings', () => {
    expect(parseLabels('{"app":"web","quote":"a\\"b","path":"c:\\\\d","ü":"ß"}')).toEqual({
      app: 'web',
      quote: 'a"b',
      path: 'c:\\d',
      ü: 'ß',
    });
  });

  test("reads the operator's pipe form: first ':' splits, label_ dropped, parts without ':' ignored", () => {
    expect(parseLabels('label_app:web|label_url:http://x:8080|junk|tier:db')).toEqual({
      app: 'web',
      url: 'http://x:8080',
      tier: 'db',
    });
  });

  test('empty, blank and null mean no labels', () => {
    for (const raw of ['', '  ', null, '{}']) expect(parseLabels(raw)).toEqual({});
  });

  test('rejects malformed JSON, non-objects and non-string values with the reason', () => {
    expect(() => parseLabels('{"app":')).toThrow(LabelError);
    expect(() => parseLabels('{"app":')).toThrow(/malformed label JSON/);
    expect(() => parseLabels('["a"]')).toThrow(/must be a JSON object/);
    expect(() => parseLabels('{"replicas":3}')).toThrow(/label "replicas" must have a string value, got 3/);
  });
});

describe('LabelNormalizer', () => {
  test('keeps enabled keys and vm_kubevirt_io_name, sorted, compact', () => {
    const n = new LabelNormalizer(['tier', 'app']);
    expect(n.normalize('{"tier":"db","secret":"x","app":"web","vm_kubevirt_io_name":"vm1"}')).toBe(
      '{"app":"web","tier":"db","vm_kubevirt_io_name":"vm1"}',
    );
    expect(n.normalize(null)).toBe('{}');
  });

  test('gives the same answers after its cache fills and starts over', () => {
    const n = new LabelNormalizer(['app'], 2);
    const raws = ['{"app":"a","x":"1"}', 'label_app:b|label_x:2', '{"app":"c"}', '{"app":"a","x":"1"}'];
    expect(raws.map((r) => n.normalize(r))).toEqual(['{"app":"a"}', '{"app":"b"}', '{"app":"c"}', '{"app":"a"}']);
  });
});

describe('mergeLabelJson', () => {
  test('a later set wins on the same key', () => {
    expect(mergeLabelJson('{"app":"node","zone":"a"}', '{"app":"ns"}', null, '{"app":"pod","x":"1"}')).toBe(
      '{"app":"pod","x":"1","zone":"a"}',
    );
  });
});

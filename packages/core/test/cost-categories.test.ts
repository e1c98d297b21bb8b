import { expect, test } from 'vitest';
import { CostCategories, likeToRegExp } from '../src/cost-categories.js';

test('LIKE: % any run, _ one character, the rest literal, whole string', () => {
  const like = (pattern: string, value: string) => likeToRegExp(pattern).test(value);
  expect(like('openshift-%', 'openshift-monitoring')).toBe(true);
  expect(like('openshift-%', 'my-openshift-x')).toBe(false);
  expect(like('kube_system', 'kube-system')).toBe(true);
  expect(like('kube_system', 'kube--system')).toBe(false);
  expect(like('a.b(c)*[d]', 'a.b(c)*[d]')).toBe(true);
  expect(like('a.b', 'axb')).toBe(false);
  expect(like('%', '')).toBe(true);
});

test('cost category: max id of all matches, null without one', () => {
  const c = new CostCategories([
    { id: 2, pattern: 'openshift-%' },
    { id: 7, pattern: '%-monitoring' },
    { id: 5, pattern: 'kube_%' },
  ]);
  expect(c.idFor('openshift-monitoring')).toBe(7);
  expect(c.idFor('openshift-etcd')).toBe(2);
  expect(c.idFor('default')).toBeNull();
  expect(c.idFor(null)).toBeNull();
});

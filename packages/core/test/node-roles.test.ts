import { expect, test } from 'vitest';
import { marksInfra, parseLabels } from '../src/index.js';

// How the evidence decides a role is held by the golden role tests (test/engine/golden-roles.test.ts).
test('the infra label is read from raw labels in either form, exactly', () => {
  expect(marksInfra(parseLabels('{"node_role_kubernetes_io":"infra"}'))).toBe(true);
  expect(marksInfra(parseLabels('label_node_role_kubernetes_io:infra|label_zone:a'))).toBe(true);
  expect(marksInfra(parseLabels('{"node_role_kubernetes_io":"infra2"}'))).toBe(false);
  expect(marksInfra(parseLabels('{"node_role_kubernetes_io_infra":""}'))).toBe(false);
  expect(marksInfra(parseLabels(''))).toBe(false);
});

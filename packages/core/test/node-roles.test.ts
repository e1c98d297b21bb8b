import { describe, expect, test } from 'vitest';
import {
  addInfraNode,
  addNodeRoleFact,
  emptyPartial,
  marksInfra,
  mergePartials,
  nodeRoleResolver,
  parseLabels,
  type InfraNode,
  type NodeRoleFact,
  type PartialAggregate,
  type Reference,
} from '../src/index.js';

const fact = (over: Partial<NodeRoleFact> = {}): NodeRoleFact => ({
  day: '2025-10-01',
  node: 'n1',
  resourceId: 'r1',
  reportedRole: null,
  apiserver: false,
  ...over,
});

function partial(facts: NodeRoleFact[], infra: InfraNode[] = []): PartialAggregate {
  const p = emptyPartial();
  for (const f of facts) addNodeRoleFact(p.nodeRoleFacts, f);
  for (const n of infra) addInfraNode(p.infraNodes, n);
  return p;
}

const noReference: Reference = { enabledKeys: [], costCategories: [], nodeRoles: [] };

describe('node role inference (koku get_nodes_query_sql)', () => {
  test('reported node_role, then apiserver → master, then infra label → infra, else worker', () => {
    const p = partial(
      [
        fact({ node: 'a', reportedRole: 'infra', apiserver: true }), // the reported role wins over the apiserver
        fact({ node: 'b', apiserver: true }),
        fact({ node: 'c' }),
        fact({ node: 'd' }),
      ],
      [{ day: '2025-10-01', node: 'b' }, { day: '2025-10-02', node: 'c' }],
    );
    const roleOf = nodeRoleResolver(p, noReference);
    expect(roleOf('a', 'r1')).toBe('infra');
    expect(roleOf('b', 'r1')).toBe('master'); // apiserver before the infra label
    expect(roleOf('c', 'r1')).toBe('infra');
    expect(roleOf('d', 'r1')).toBe('worker');
    expect(roleOf('never-seen', null)).toBe('worker');
  });

  test('the window is the merge of its days: max reported role, any apiserver day', () => {
    const p = partial([
      fact({ day: '2025-10-01', reportedRole: 'master' }),
      fact({ day: '2025-10-02', reportedRole: 'worker' }),
      fact({ day: '2025-10-01', node: 'n2' }),
      fact({ day: '2025-10-03', node: 'n2', apiserver: true }),
    ]);
    const roleOf = nodeRoleResolver(p, noReference);
    expect(roleOf('n1', 'r1')).toBe('worker'); // max('master', 'worker')
    expect(roleOf('n2', 'r1')).toBe('master');
  });

  test('facts are per resource_id; the infra label is per node', () => {
    const p = partial(
      [fact({ resourceId: 'r1', apiserver: true }), fact({ resourceId: 'r2' }), fact({ resourceId: null })],
      [{ day: '2025-10-01', node: 'n1' }],
    );
    const roleOf = nodeRoleResolver(p, noReference);
    expect(roleOf('n1', 'r1')).toBe('master');
    expect(roleOf('n1', 'r2')).toBe('infra');
    expect(roleOf('n1', null)).toBe('infra');
  });

  test('a reference role wins (max over its entries), for its own resource_id only', () => {
    const p = partial([fact({ reportedRole: 'master', apiserver: true }), fact({ resourceId: 'r2', apiserver: true })]);
    const roleOf = nodeRoleResolver(p, {
      ...noReference,
      nodeRoles: [
        { node: 'n1', resourceId: 'r1', role: 'infra' },
        { node: 'n1', resourceId: 'r1', role: 'worker' },
      ],
    });
    expect(roleOf('n1', 'r1')).toBe('worker');
    expect(roleOf('n1', 'r2')).toBe('master');
  });

  test('a reported role that is not master, infra or worker gives no role', () => {
    const roleOf = nodeRoleResolver(partial([fact({ reportedRole: 'control-plane', apiserver: true })]), noReference);
    expect(roleOf('n1', 'r1')).toBeUndefined();
  });

  test('the infra label is read from raw labels in either form, exactly', () => {
    expect(marksInfra(parseLabels('{"node_role_kubernetes_io":"infra"}'))).toBe(true);
    expect(marksInfra(parseLabels('label_node_role_kubernetes_io:infra|label_zone:a'))).toBe(true);
    expect(marksInfra(parseLabels('{"node_role_kubernetes_io":"infra2"}'))).toBe(false);
    expect(marksInfra(parseLabels('{"node_role_kubernetes_io_infra":""}'))).toBe(false);
    expect(marksInfra(parseLabels(''))).toBe(false);
  });
});

describe('node role sections under merge', () => {
  const facts = [
    fact({ reportedRole: 'worker' }),
    fact({ reportedRole: null, apiserver: true }),
    fact({ reportedRole: 'master' }),
    fact({ day: '2025-10-02' }),
  ];
  const infra: InfraNode[] = [
    { day: '2025-10-01', node: 'n1' },
    { day: '2025-10-01', node: 'n1' },
    { day: '2025-10-02', node: 'n1' },
  ];

  test('max of the reported role and OR of the apiserver flag per (day, node, resource_id), in any order', () => {
    for (const order of [facts, [...facts].reverse(), [facts[2], facts[0], facts[3], facts[1]]]) {
      const merged = mergePartials(order.map((f) => partial([f])));
      expect([...merged.nodeRoleFacts.values()].sort((a, b) => (a.day < b.day ? -1 : 1))).toEqual([
        fact({ reportedRole: 'worker', apiserver: true }),
        fact({ day: '2025-10-02' }),
      ]);
    }
  });

  test('infra nodes are a union by (day, node)', () => {
    const merged = mergePartials(infra.map((n) => partial([], [n])));
    expect([...merged.infraNodes.values()]).toEqual([infra[0], infra[2]]);
  });

  test('merging does not alter the partials merged from', () => {
    const a = partial([fact({ reportedRole: 'infra' })]);
    const b = partial([fact({ apiserver: true, reportedRole: 'worker' })]);
    mergePartials([a, b]);
    expect([...a.nodeRoleFacts.values()]).toEqual([fact({ reportedRole: 'infra' })]);
  });
});

/**
 * Node roles (docs/rules.md §3): the reference data's role when it has one, else the
 * role inferred from the data as koku's nodes query (`get_nodes_query_sql`) does over the run's window.
 */
import type { NodeRole, PartialAggregate, Reference } from './interfaces.js';
import type { Labels } from './labels.js';
import { maxN } from './nums.js';
import { groupKey } from './partial.js';

/** Pods of this namespace make their node a master. */
export const APISERVER_NAMESPACE = 'openshift-kube-apiserver';

/** The raw node label (before the enabled-key filter) that makes a node infra, and its value. */
export const INFRA_LABEL = { key: 'node_role_kubernetes_io', value: 'infra' } as const;

const ROLES: ReadonlySet<string> = new Set<NodeRole>(['master', 'infra', 'worker']);

/** Whether a node's raw labels mark it infra. */
export function marksInfra(labels: Labels): boolean {
  return Object.hasOwn(labels, INFRA_LABEL.key) && labels[INFRA_LABEL.key] === INFRA_LABEL.value;
}

/**
 * The role of a (node, resource_id) with a non-empty node, over the window the partial covers:
 * - the max of the reference data's roles for it, when it has any;
 * - else the max of the pod report's non-empty `node_role` values for it;
 * - else `master` when any of its pod rows has namespace openshift-kube-apiserver;
 * - else `infra` when any node labels row of the node has node_role_kubernetes_io = infra;
 * - else `worker` (also for a node without any node labels, which koku's query would drop).
 * A `node_role` value other than master, infra or worker gives no role (koku would give its rows a
 * NULL namespace): those rows get no unallocated row.
 */
export function nodeRoleResolver(
  partial: PartialAggregate,
  reference: Reference,
): (node: string, resourceId: string | null) => NodeRole | undefined {
  const referenced = new Map<string, NodeRole>();
  for (const r of reference.nodeRoles) {
    const key = groupKey(r.node, r.resourceId);
    referenced.set(key, maxN(referenced.get(key) ?? null, r.role)!);
  }
  // The window's evidence: the merge of its days.
  const evidence = new Map<string, { reportedRole: string | null; apiserver: boolean }>();
  for (const f of partial.nodeRoleFacts.values()) {
    const key = groupKey(f.node, f.resourceId);
    const have = evidence.get(key);
    if (have) {
      have.reportedRole = maxN(have.reportedRole, f.reportedRole);
      have.apiserver = have.apiserver || f.apiserver;
    } else {
      evidence.set(key, { reportedRole: f.reportedRole, apiserver: f.apiserver });
    }
  }
  const infra = new Set<string>();
  for (const n of partial.infraNodes.values()) infra.add(n.node);

  return (node, resourceId) => {
    const key = groupKey(node, resourceId);
    const known = referenced.get(key);
    if (known !== undefined) return known;
    const seen = evidence.get(key);
    if (seen && seen.reportedRole !== null) {
      return ROLES.has(seen.reportedRole) ? (seen.reportedRole as NodeRole) : undefined;
    }
    if (seen?.apiserver) return 'master';
    if (infra.has(node)) return 'infra';
    return 'worker';
  };
}

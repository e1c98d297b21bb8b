/**
 * The evidence koku's nodes query (`get_nodes_query_sql`) infers a node's role from (docs/rules.md
 * §3); the kernel gathers it and finalize's SQL (`sql/finalize/node-roles.sql`) decides.
 */
import type { Labels } from './labels.js';

/** Pods of this namespace make their node a master. */
export const APISERVER_NAMESPACE = 'openshift-kube-apiserver';

/** The raw node label (before the enabled-key filter) that makes a node infra, and its value. */
const INFRA_LABEL = { key: 'node_role_kubernetes_io', value: 'infra' } as const;

/** Whether a node's raw labels mark it infra. */
export function marksInfra(labels: Labels): boolean {
  return Object.hasOwn(labels, INFRA_LABEL.key) && labels[INFRA_LABEL.key] === INFRA_LABEL.value;
}

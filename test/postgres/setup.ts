/** What the PostgreSQL suites share: a generated dataset, reference files, CLI runs. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ocpsum, type CliResult } from '../helpers/cli.js';

/** Any password works under the harness's trust authentication; it must never be printed. */
export const PASSWORD = 'Pw-n0t-4-printing';

export function pgUrl(port: number, schema?: string, password = PASSWORD): string {
  return `postgres://postgres:${password}@127.0.0.1:${port}/ocpsum_test${schema ? `?schema=${schema}` : ''}`;
}

export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await ocpsum(args, { env, timeoutMs: 300_000 });
  if (result.code !== 0)
    throw new Error(`ocpsum ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return result;
}

/** The distinct (node, resource_id) pairs of a generated dataset's pod usage. */
export async function nodesOf(root: string): Promise<{ node: string; resourceId: string }[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const glob = join(root, 'data/parquet/*/OCP/pod_usage/*/*/*/*.parquet').replaceAll("'", "''");
    const reader = await db.runAndReadAll(
      `SELECT DISTINCT node, resource_id FROM read_parquet('${glob}') WHERE node <> '' ORDER BY node, resource_id`,
    );
    return (reader.getRowObjectsJS() as { node: string; resource_id: string }[]).map((r) => ({
      node: r.node,
      resourceId: r.resource_id,
    }));
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export interface ReferenceData {
  enabledKeys: string[];
  costCategories: { id: number; pattern: string }[];
  nodeRoles: { node: string; resourceId: string; role: 'master' | 'infra' | 'worker' }[];
}

/** Enabled keys, two cost categories, and a role for every node: the first master, the last worker, others infra. */
export function referenceFor(nodes: { node: string; resourceId: string }[]): ReferenceData {
  return {
    enabledKeys: ['app', 'environment'],
    costCategories: [
      { id: 1, pattern: 'openshift-%' },
      { id: 7, pattern: '%prod%' },
    ],
    nodeRoles: nodes.map((n, i) => ({ ...n, role: i === 0 ? 'master' : i === nodes.length - 1 ? 'worker' : 'infra' })),
  };
}

export async function writeReferenceYaml(path: string, data: ReferenceData): Promise<void> {
  const lines = [
    `enabled_keys: [${data.enabledKeys.join(', ')}]`,
    `cost_categories:${data.costCategories.length ? '' : ' []'}`,
    ...data.costCategories.map((c) => `  - { id: ${c.id}, pattern: "${c.pattern}" }`),
    `node_roles:${data.nodeRoles.length ? '' : ' []'}`,
    ...data.nodeRoles.map((r) => `  - { node: "${r.node}", resource_id: "${r.resourceId}", role: ${r.role} }`),
  ];
  await writeFile(path, lines.join('\n') + '\n');
}

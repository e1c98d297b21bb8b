import type pg from 'pg';
import { validIdentifier, type NodeRole, type Reference } from '@ocpsum/core';
import { closeClient, connectPostgres, parsePostgresTarget, reasonOf } from './postgres-target.js';
import {
  COST_CATEGORY_TABLE,
  ENABLED_KEYS_TABLE,
  missingTables,
  NODES_TABLE,
  REFERENCE_TABLES,
} from './postgres-schema.js';

const ROLES: readonly string[] = ['master', 'infra', 'worker'] satisfies NodeRole[];

export interface PostgresReference {
  reference: Reference;
  /** Rows that were skipped, said once per kind. */
  warnings: string[];
}

/**
 * Reads koku's reference tables in the target's schema, in one read-only snapshot:
 * enabled label keys (`reporting_enabledtagkeys`: key where enabled and provider_type = 'OCP'),
 * cost category namespace patterns (`reporting_ocp_cost_category_namespace`: cost_category_id,
 * namespace) and node roles (`reporting_ocp_nodes`: node, resource_id, node_role). Rows that can
 * never match (no node, no resource_id, no pattern) and roles other than master, infra and worker
 * are skipped with a warning. Results are sorted, so the same tables give the same run spec.
 */
export async function readPostgresReference(target: string): Promise<PostgresReference> {
  const parsed = parsePostgresTarget(target);
  const fail = (reason: string) => new Error(`PostgreSQL reference ${parsed.redacted}: ${reason}`);
  let client: pg.Client;
  try {
    client = await connectPostgres(parsed);
  } catch (error) {
    throw fail(reasonOf(error));
  }
  const schema = validIdentifier(parsed.schema);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const missing = await missingTables(client, schema, REFERENCE_TABLES);
    if (missing.length) {
      throw new Error(
        `missing table${missing.length > 1 ? 's' : ''} ${missing.map((t) => `${schema}.${t}`).join(', ')}; ` +
          `create koku's tables (empty) with: ocpsum pg init --pg URL --pg-schema ${schema}`,
      );
    }
    return await readTables(client, schema);
  } catch (error) {
    throw fail(reasonOf(error));
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await closeClient(client);
  }
}

async function readTables(client: pg.Client, schema: string): Promise<PostgresReference> {
  const warnings: string[] = [];
  const keys = await client.query<{ key: string }>(
    `SELECT DISTINCT key FROM ${schema}.${ENABLED_KEYS_TABLE}
     WHERE enabled AND provider_type = $1 AND key IS NOT NULL AND key <> '' ORDER BY key`,
    ['OCP'],
  );

  const categories = await client.query<{ id: string; pattern: string | null }>(
    `SELECT cost_category_id::text AS id, namespace AS pattern FROM ${schema}.${COST_CATEGORY_TABLE}
     WHERE cost_category_id IS NOT NULL ORDER BY cost_category_id, namespace`,
  );
  const costCategories: Reference['costCategories'] = [];
  let noPattern = 0;
  for (const row of categories.rows) {
    const id = Number(row.id);
    if (!Number.isSafeInteger(id))
      throw new Error(`${COST_CATEGORY_TABLE}: cost_category_id ${row.id} is not an integer`);
    if (row.pattern === null || row.pattern === '') noPattern++;
    else costCategories.push({ id, pattern: row.pattern });
  }
  if (noPattern) warnings.push(`${COST_CATEGORY_TABLE}: skipped ${noPattern} row(s) with no namespace pattern`);

  const nodes = await client.query<{ node: string | null; resource_id: string | null; node_role: string | null }>(
    `SELECT DISTINCT node, resource_id, node_role FROM ${schema}.${NODES_TABLE} ORDER BY node, resource_id, node_role`,
  );
  const nodeRoles: Reference['nodeRoles'] = [];
  let unmatchable = 0;
  const otherRoles = new Map<string, number>();
  for (const row of nodes.rows) {
    if (!row.node || row.resource_id === null) {
      unmatchable++;
    } else if (row.node_role === null || !ROLES.includes(row.node_role)) {
      const role = row.node_role === null ? 'NULL' : JSON.stringify(row.node_role);
      otherRoles.set(role, (otherRoles.get(role) ?? 0) + 1);
    } else {
      nodeRoles.push({ node: row.node, resourceId: row.resource_id, role: row.node_role as NodeRole });
    }
  }
  if (unmatchable) warnings.push(`${NODES_TABLE}: skipped ${unmatchable} row(s) with no node or no resource_id`);
  if (otherRoles.size) {
    const list = [...otherRoles].map(([role, n]) => `${role} (${n})`).join(', ');
    warnings.push(`${NODES_TABLE}: skipped rows whose node_role is not master, infra or worker: ${list}`);
  }
  return { reference: { enabledKeys: keys.rows.map((r) => r.key), costCategories, nodeRoles }, warnings };
}

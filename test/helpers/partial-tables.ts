/**
 * Test-only: a JavaScript PartialAggregate (what today's kernel returns) written into the partial
 * tables of the contract (`PARTIAL_TABLES`), so the SQL merge and finalize can be checked against the
 * JavaScript ones on the same input.
 */
import { DuckDBDateValue, DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { PartialAggregate } from '@ocpsum/core';
import { PARTIAL_TABLES, partialTablesDdl, type PartialTableName } from '@ocpsum/kernel';

type Value = string | number | boolean | null;

/** Creates `schema` with the partial tables and fills them from `partial`. */
export async function writePartialTables(
  db: DuckDBConnection,
  schema: string,
  partial: PartialAggregate,
): Promise<void> {
  await db.run(`CREATE SCHEMA ${schema}`);
  for (const ddl of partialTablesDdl(schema)) await db.run(ddl);
  const anyDay = partial.pods.values().next().value?.day ?? null;
  const rows: Record<PartialTableName, Value[][]> = {
    pods: [...partial.pods.values()].map((g) => [
      g.day,
      g.namespace,
      g.node,
      g.pod,
      g.labels,
      g.resourceId,
      g.usageCpu,
      g.requestCpu,
      g.limitCpu,
      g.effectiveCpu,
      g.usageMem,
      g.requestMem,
      g.limitMem,
      g.effectiveMem,
      g.capacityCpuCores,
      g.capacityMemBytes,
    ]),
    capacity: [...partial.capacity.values()].map((c) => [
      c.day,
      c.interval,
      c.node,
      c.cpuCoreSeconds,
      c.memByteSeconds,
    ]),
    pod_nodes: [...partial.podNodes.values()].map((n) => [n.day, n.namespace, n.pod, n.node, n.resourceId]),
    storage: [...partial.storage.values()].map((s) => [
      s.day,
      s.namespace,
      s.pod,
      s.persistentvolumeclaim,
      s.persistentvolume,
      s.storageclass,
      s.csiVolumeHandle,
      s.pvLabels,
      s.pvcLabels,
      s.capacityBytes,
      s.capacityByteSeconds,
      s.requestByteSeconds,
      s.usageByteSeconds,
    ]),
    node_labels: [...partial.nodeLabels.values()].map((l) => [l.day, l.name, l.interval, l.labels]),
    namespace_labels: [...partial.namespaceLabels.values()].map((l) => [l.day, l.name, l.interval, l.labels]),
    node_role_facts: [...partial.nodeRoleFacts.values()].map((f) => [
      f.day,
      f.node,
      f.resourceId,
      f.reportedRole,
      f.apiserver,
    ]),
    infra_nodes: [...partial.infraNodes.values()].map((n) => [n.day, n.node]),
    // The JavaScript partial counts rows per run, not per day: one row on some day of it.
    rows_in: [
      [anyDay, partial.rowsIn.pod, partial.rowsIn.storage, partial.rowsIn.nodeLabels, partial.rowsIn.namespaceLabels],
    ],
  };
  for (const [table, values] of Object.entries(rows) as [PartialTableName, Value[][]][]) {
    await appendRows(db, schema, table, values);
  }
}

/** Appends rows given in the table's column order, converting each value to its column's type. */
export async function appendRows(db: DuckDBConnection, schema: string, table: PartialTableName, rows: Value[][]) {
  const types = Object.values(PARTIAL_TABLES[table].columns).map((c) => c.type);
  const appender = await db.createAppender(table, schema);
  try {
    for (const row of rows) {
      if (row.length !== types.length) throw new Error(`${table}: ${row.length} values for ${types.length} columns`);
      row.forEach((value, i) => appendValue(appender, types[i], value));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function appendValue(appender: DuckDBAppender, type: string, value: Value): void {
  if (value === null) return appender.appendNull();
  switch (type) {
    case 'DATE':
      return appender.appendDate(new DuckDBDateValue(Date.parse(`${value as string}T00:00:00Z`) / 86_400_000));
    case 'TIMESTAMP':
      // Epoch microseconds (CapacityCell.interval, LatestLabels.interval); a string is parsed as UTC.
      return appender.appendTimestamp(
        new DuckDBTimestampValue(
          typeof value === 'number' ? BigInt(Math.round(value)) : BigInt(Date.parse(`${value}Z`)) * 1000n,
        ),
      );
    case 'VARCHAR':
      return appender.appendVarchar(value as string);
    case 'DOUBLE':
      return appender.appendDouble(value as number);
    case 'BOOLEAN':
      return appender.appendBoolean(value as boolean);
    case 'BIGINT':
      return appender.appendBigInt(BigInt(value as number));
    default:
      throw new Error(`no appender for ${type}`);
  }
}

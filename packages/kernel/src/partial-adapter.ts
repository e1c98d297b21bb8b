/**
 * TEMPORARY, until finalize reads the tables: the partial aggregate's tables read back into the
 * JavaScript `PartialAggregate` that core's finalize, the codec and the reducer still take. This
 * crosses every group into JavaScript, which the columnar kernel exists to avoid; delete this file
 * when merge and finalize run as SQL over the partial tables.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  addCapacity,
  addInfraNode,
  addLatestLabels,
  addNodeRoleFact,
  addPodGroup,
  addPodNode,
  addStorageGroup,
  emptyPartial,
  sqlIdentifier,
  type PartialAggregate,
  type RunSpec,
} from '@ocpsum/core';
import { runKernel, type Chunk } from './kernel.js';
import { createPartial, dropPartial } from './partial.js';
import { readColumns } from './read-columns.js';

const DAY = `strftime(day, '%Y-%m-%d') AS day`;
const INTERVAL = `epoch_us("interval")::DOUBLE AS interval_us`;

/**
 * TEMPORARY (until finalize reads the tables): the tables of a partial in `schema` as a
 * `PartialAggregate`. Rows of one key are merged as core's merge does (a kernel may write several).
 */
export async function readPartialTables(db: DuckDBConnection, schema: string): Promise<PartialAggregate> {
  const s = sqlIdentifier(schema);
  const read = (sql: string) => readColumns(db, sql, {});
  const partial = emptyPartial();
  const str = (c: Record<string, unknown[]>, name: string, i: number) => c[name][i] as string | null;
  const num = (c: Record<string, unknown[]>, name: string, i: number) => c[name][i] as number | null;

  const pods = await read(`SELECT * REPLACE (${DAY}) FROM ${s}.pods`);
  for (let i = 0; i < pods.day.length; i++) {
    addPodGroup(
      partial.pods,
      {
        day: str(pods, 'day', i)!,
        namespace: str(pods, 'namespace', i)!,
        node: str(pods, 'node', i)!,
        pod: str(pods, 'pod', i),
        labels: str(pods, 'labels', i)!,
        resourceId: str(pods, 'resource_id', i),
        usageCpu: num(pods, 'usage_cpu', i),
        requestCpu: num(pods, 'request_cpu', i),
        limitCpu: num(pods, 'limit_cpu', i),
        effectiveCpu: num(pods, 'effective_cpu', i),
        usageMem: num(pods, 'usage_mem', i),
        requestMem: num(pods, 'request_mem', i),
        limitMem: num(pods, 'limit_mem', i),
        effectiveMem: num(pods, 'effective_mem', i),
        capacityCpuCores: num(pods, 'capacity_cores', i),
        capacityMemBytes: num(pods, 'capacity_bytes', i),
      },
      true,
    );
  }

  const capacity = await read(
    `SELECT ${DAY}, ${INTERVAL}, node, cpu_core_seconds, mem_byte_seconds FROM ${s}.capacity`,
  );
  for (let i = 0; i < capacity.day.length; i++) {
    addCapacity(
      partial.capacity,
      {
        day: str(capacity, 'day', i)!,
        interval: num(capacity, 'interval_us', i)!,
        node: str(capacity, 'node', i),
        cpuCoreSeconds: num(capacity, 'cpu_core_seconds', i),
        memByteSeconds: num(capacity, 'mem_byte_seconds', i),
      },
      true,
    );
  }

  const podNodes = await read(`SELECT * REPLACE (${DAY}) FROM ${s}.pod_nodes`);
  for (let i = 0; i < podNodes.day.length; i++) {
    addPodNode(
      partial.podNodes,
      {
        day: str(podNodes, 'day', i)!,
        namespace: str(podNodes, 'namespace', i)!,
        pod: str(podNodes, 'pod', i)!,
        node: str(podNodes, 'node', i)!,
        resourceId: str(podNodes, 'resource_id', i),
      },
      true,
    );
  }

  const storage = await read(`SELECT * REPLACE (${DAY}) FROM ${s}.storage`);
  for (let i = 0; i < storage.day.length; i++) {
    addStorageGroup(
      partial.storage,
      {
        day: str(storage, 'day', i)!,
        namespace: str(storage, 'namespace', i),
        pod: str(storage, 'pod', i),
        persistentvolumeclaim: str(storage, 'persistentvolumeclaim', i),
        persistentvolume: str(storage, 'persistentvolume', i),
        storageclass: str(storage, 'storageclass', i),
        csiVolumeHandle: str(storage, 'csi_volume_handle', i),
        pvLabels: str(storage, 'pv_labels', i)!,
        pvcLabels: str(storage, 'pvc_labels', i)!,
        capacityBytes: num(storage, 'capacity_bytes', i),
        capacityByteSeconds: num(storage, 'capacity_byte_seconds', i),
        requestByteSeconds: num(storage, 'request_byte_seconds', i),
        usageByteSeconds: num(storage, 'usage_byte_seconds', i),
      },
      true,
    );
  }

  for (const [table, name, into] of [
    ['node_labels', 'node', partial.nodeLabels],
    ['namespace_labels', 'namespace', partial.namespaceLabels],
  ] as const) {
    const labels = await read(`SELECT ${DAY}, ${name} AS name, ${INTERVAL}, labels FROM ${s}.${table}`);
    for (let i = 0; i < labels.day.length; i++) {
      addLatestLabels(
        into,
        {
          day: str(labels, 'day', i)!,
          name: str(labels, 'name', i)!,
          interval: num(labels, 'interval_us', i)!,
          labels: str(labels, 'labels', i)!,
        },
        true,
      );
    }
  }

  const facts = await read(`SELECT * REPLACE (${DAY}) FROM ${s}.node_role_facts`);
  for (let i = 0; i < facts.day.length; i++) {
    addNodeRoleFact(
      partial.nodeRoleFacts,
      {
        day: str(facts, 'day', i)!,
        node: str(facts, 'node', i)!,
        resourceId: str(facts, 'resource_id', i),
        reportedRole: str(facts, 'reported_role', i),
        apiserver: facts.apiserver[i] === true,
      },
      true,
    );
  }

  const infra = await read(`SELECT * REPLACE (${DAY}) FROM ${s}.infra_nodes`);
  for (let i = 0; i < infra.day.length; i++) {
    addInfraNode(partial.infraNodes, { day: str(infra, 'day', i)!, node: str(infra, 'node', i)! }, true);
  }

  const rows = (
    await db.runAndReadAll(
      `SELECT coalesce(sum(pod), 0)::DOUBLE, coalesce(sum(storage), 0)::DOUBLE,
         coalesce(sum(node_labels), 0)::DOUBLE, coalesce(sum(namespace_labels), 0)::DOUBLE FROM ${s}.rows_in`,
    )
  ).getRowsJS()[0] as number[];
  partial.rowsIn = { pod: rows[0], storage: rows[1], nodeLabels: rows[2], namespaceLabels: rows[3] };
  return partial;
}

let partials = 0;

/**
 * TEMPORARY (until finalize reads the tables): runs the kernel over a chunk into a partial of its
 * own and returns it as a `PartialAggregate`, dropping the tables again.
 */
export async function kernelPartial(
  connect: () => Promise<DuckDBConnection>,
  chunk: Chunk,
  spec: RunSpec,
): Promise<PartialAggregate> {
  const db = await connect();
  const schema = `kernel_partial_${++partials}`;
  let failed = false;
  try {
    await createPartial(db, schema);
    await runKernel(connect, chunk, spec, schema);
    return await readPartialTables(db, schema);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    try {
      await dropPartial(db, schema);
    } catch (error) {
      // Dropping after a failure must not hide the failure.
      if (!failed) throw error;
    } finally {
      db.closeSync();
    }
  }
}

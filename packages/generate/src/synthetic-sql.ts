/**
 * The synthetic dataset as SQL. Every value is a function of (seed, entity or row index) through
 * integer-hash macros written out here, not DuckDB's `hash()`/`random()`, so a seed gives the same
 * values on any DuckDB version (and the same bytes on the same version). Entities (nodes, namespaces, pods, volume claims) are small tables;
 * each day file is `range()` × one entity table, joined on a computed id so rows come out in
 * (hour, entity) order.
 */

/** murmur3's 32-bit finalizer over UBIGINT: every product stays below 2^64, so nothing overflows. */
export const MACROS = [
  `CREATE MACRO mix_a(x) AS (xor(x, x >> 16) * 2246822507::UBIGINT) & 4294967295::UBIGINT`,
  `CREATE MACRO mix_b(x) AS (xor(x, x >> 13) * 3266489909::UBIGINT) & 4294967295::UBIGINT`,
  `CREATE MACRO mix32(x) AS xor(mix_b(mix_a(x)), mix_b(mix_a(x)) >> 16)`,
  /** A 32-bit hash of integer `n` under 32-bit `key`; a bijection in `n` for a fixed key. */
  `CREATE MACRO hash32(key, n) AS mix32((key::UBIGINT + n::UBIGINT * 2654435761::UBIGINT) & 4294967295::UBIGINT)`,
  /** A hash as a number in [0, 1). */
  `CREATE MACRO unit(h) AS h / 4294967296.0`,
  `CREATE MACRO pick(choices, h) AS choices[1 + (h % len(choices))::BIGINT]`,
];

/** One key per kind of entity, so pod 7 and node 7 draw unrelated numbers. */
export const CONFIG = `
CREATE TABLE cfg AS
SELECT hash32(s, 1) AS node_key, hash32(s, 2) AS ns_key, hash32(s, 3) AS dep_key,
       hash32(s, 4) AS pod_key, hash32(s, 5) AS vol_key
FROM (SELECT hash32(hash32(0, $seed_hi::UBIGINT), $seed_lo::UBIGINT) AS s)`;

/** m5 instances: 4 GiB per core, 16–64 cores. */
export const NODES = `
CREATE TABLE nodes AS
SELECT
  node_id,
  printf('ip-10-%d-%d-%d.ec2.internal', node_id // 65024, node_id // 254 % 256, node_id % 254 + 1) AS node,
  printf('i-0%08x%08x', hash32(k, 1), hash32(k, 2)) AS resource_id,
  cores,
  cores * 4 * 1073741824::BIGINT AS memory_bytes,
  '{"node_role_kubernetes_io":"' || role || '","kubernetes_io_arch":"amd64","topology_kubernetes_io_zone":"'
    || zone || '","node_kubernetes_io_instance_type":"m5.' || (cores // 4) || 'xlarge","environment":"production"}'
    AS node_labels
FROM (
  SELECT node_id, k,
    CASE WHEN node_id < $masters THEN 'master' WHEN node_id < $masters + $infra THEN 'infra' ELSE 'worker' END AS role,
    pick(['us-east-1a', 'us-east-1b', 'us-east-1c'], node_id) AS zone,
    pick([16, 32, 48, 64], hash32(k, 3)) AS cores
  FROM (SELECT range AS node_id, hash32(node_key, range) AS k FROM range($nodes::BIGINT), cfg)
)`;

const TEAMS = `['payments', 'checkout', 'search', 'catalog', 'identity', 'billing', 'shipping', 'analytics',
  'reporting', 'frontend', 'gateway', 'inventory', 'orders', 'notifications', 'recommendations', 'media']`;
const ENVIRONMENTS = `['prod', 'stage', 'dev', 'qa']`;

/** Three OpenShift system namespaces, then team × environment names (a number appended once they run out). */
export const NAMESPACES = `
CREATE TABLE namespaces AS
SELECT
  ns_id,
  CASE WHEN ns_id < 3 THEN ['openshift-monitoring', 'openshift-ingress', 'openshift-logging'][ns_id + 1]
       ELSE team || '-' || env || CASE WHEN ns_id >= 67 THEN '-' || ((ns_id - 3) // 64) ELSE '' END
  END AS namespace,
  team,
  '{"environment":"' || env || '","team":"' || team || '","cost_center":"' || printf('cc-%04d', hash32(k, 2) % 10000)
    || '"' || CASE WHEN hash32(k, 3) % 3 = 0 THEN ',"app":"' || team || '-suite"' ELSE '' END || '}' AS namespace_labels
FROM (
  SELECT range AS ns_id, hash32(ns_key, range) AS k,
    CASE WHEN range < 3 THEN 'platform' ELSE ${TEAMS}[1 + (range - 3) % 16] END AS team,
    CASE WHEN range < 3 THEN 'prod' ELSE ${ENVIRONMENTS}[1 + (range - 3) // 16 % 4] END AS env
  FROM range($namespaces::BIGINT), cfg
)`;

/**
 * Pods come in deployments of three replicas (same app, namespace, labels and requests scale),
 * placed round-robin so neighbouring pods sit on different nodes. Requests are a share of the
 * node sized so a node's pods ask for about 60% of it; limits are 1–4× the request.
 */
export const PODS = `
CREATE TABLE pods AS
WITH p AS (
  SELECT range AS pod_id, range // 3 AS dep_id, range % $nodes AS node_id,
    hash32(pod_key, range) AS k, hash32(dep_key, range // 3) AS dk,
    CASE WHEN range >= $pods - len($late) THEN $late[range - ($pods - len($late)) + 1] ELSE 0 END AS start_hour
  FROM range($pods::BIGINT), cfg
), d AS (
  SELECT *,
    least($namespaces - 1, floor($namespaces * pow(unit(hash32(dk, 1)), 1.5)))::BIGINT AS ns_id,
    printf('%s-%d', pick(['web', 'api', 'worker', 'db', 'cache', 'queue', 'auth', 'search', 'etl', 'ui'], hash32(dk, 2)), dep_id) AS app
  FROM p
)
SELECT
  d.pod_id, d.dep_id, d.k, d.dk, d.start_hour, d.app,
  ns.namespace, n.node, n.resource_id,
  printf('%s-%08x-%d', d.app, hash32(d.dk, 7), d.pod_id % 3) AS pod,
  '{' || array_to_string(list_slice([
      '"app":"' || d.app || '"',
      '"tier":"' || pick(['frontend', 'backend', 'data', 'cache', 'batch'], hash32(d.dk, 10)) || '"',
      '"team":"' || ns.team || '"',
      '"version":"v' || (1 + hash32(d.dk, 11) % 5) || '.' || (hash32(d.dk, 12) % 20) || '"',
      '"component":"' || pick(['api', 'ui', 'scheduler', 'ingest', 'auth', 'storage'], hash32(d.dk, 13)) || '"',
      '"environment":"' || pick(${ENVIRONMENTS}, hash32(d.dk, 14)) || '"',
      '"managed_by":"' || pick(['helm', 'argocd', 'operator', 'kustomize'], hash32(d.dk, 15)) || '"',
      '"release":"' || d.app || '-r' || (hash32(d.dk, 16) % 50) || '"',
      '"track":"' || pick(['stable', 'stable', 'stable', 'canary'], hash32(d.dk, 17)) || '"',
      '"pod_template_hash":"' || printf('%08x', hash32(d.dk, 7)) || '"'
    ], 1, 3 + (hash32(d.dk, 9) % 8)::BIGINT), ',') || '}' AS pod_labels,
  greatest(0.01, round(n.cores * 0.6 * (0.25 + 1.5 * unit(hash32(d.dk, 30))) / $per_node, 2)) AS cpu_request,
  greatest(67108864, round(n.memory_bytes * 0.6 * (0.25 + 1.5 * unit(hash32(d.dk, 31))) / $per_node / 1048576) * 1048576)
    AS memory_request,
  pick([1.0, 1.5, 2.0, 4.0], hash32(d.dk, 32)) AS cpu_limit_factor,
  pick([1.0, 1.25, 1.5, 2.0], hash32(d.dk, 33)) AS memory_limit_factor,
  0.2 + 0.8 * unit(hash32(d.k, 34)) AS cpu_util,
  0.5 + 0.5 * unit(hash32(d.k, 35)) AS memory_util,
  n.cores AS node_cores, n.memory_bytes AS node_memory_bytes
FROM d JOIN nodes n USING (node_id) JOIN namespaces ns USING (ns_id)`;

/**
 * A quarter of the deployments keep a volume claimed by their first pod; a fifth of those volumes
 * are shared with the second replica (on another node): half through the same claim, half through
 * a second claim on the same persistent volume. The first deployment always has a shared volume,
 * so even a small dataset has one.
 */
export const CLAIMS = `
CREATE TABLE claims AS
WITH owners AS (
  SELECT pod_id, dep_id, dk, app,
    printf('pvc-%08x-%04x-%04x-%04x-%04x%08x', hash32(dk, 41), hash32(dk, 42) % 65536, hash32(dk, 43) % 65536,
      hash32(dk, 44) % 65536, hash32(dk, 45) % 65536, hash32(dk, 46)) AS persistentvolume,
    pick(['gp3-csi', 'gp3-csi', 'gp2', 'standard'], hash32(dk, 47)) AS storageclass,
    pick([10, 20, 50, 100, 200, 500], hash32(dk, 48)) * 1073741824::BIGINT AS capacity_bytes,
    CASE WHEN hash32(dk, 49) % 10 = 0 THEN NULL ELSE printf('vol-0%08x%08x', hash32(dk, 50), hash32(dk, 51)) END
      AS csi_volume_handle,
    0.1 + 0.5 * unit(hash32(dk, 52)) AS fill_start,
    0.3 * unit(hash32(dk, 53)) AS fill_growth,
    (dep_id = 0 OR unit(hash32(dk, 21)) < 0.2) AND pod_id + 1 < $pods AS shared,
    hash32(dk, 22) % 2 = 0 AS one_claim
  FROM pods WHERE pod_id % 3 = 0 AND (dep_id = 0 OR unit(hash32(dk, 20)) < 0.25)
), members AS (
  SELECT pod_id AS owner_id, 0 AS member, pod_id, app || '-data' AS persistentvolumeclaim FROM owners
  UNION ALL
  SELECT pod_id, 1, pod_id + 1, CASE WHEN one_claim THEN app || '-data' ELSE app || '-data-1' END
  FROM owners WHERE shared
)
SELECT
  row_number() OVER (ORDER BY m.owner_id, m.member) - 1 AS claim_id,
  p.namespace, p.pod, m.persistentvolumeclaim, o.persistentvolume, o.storageclass, o.capacity_bytes,
  o.csi_volume_handle, o.fill_start, o.fill_growth,
  '{"app":"' || o.app || '","storageclass":"' || o.storageclass || '"}' AS persistentvolume_labels,
  '{"app":"' || o.app || '","backup":"' || pick(['daily', 'weekly', 'none'], hash32(o.dk, 54)) || '"}'
    AS persistentvolumeclaim_labels
FROM members m JOIN owners o ON o.pod_id = m.owner_id JOIN pods p ON p.pod_id = m.pod_id`;

/** A leftover volume of a manual backup pod that never shows up in pod usage. */
export const ORPHAN_CLAIM = `
INSERT INTO claims
SELECT
  (SELECT count(*) FROM claims),
  ns.namespace,
  printf('backup-%08x-manual', hash32(vol_key, 1)),
  'backup-archive',
  printf('pvc-%08x-%04x-%04x-%04x-%04x%08x', hash32(vol_key, 2), hash32(vol_key, 3) % 65536,
    hash32(vol_key, 4) % 65536, hash32(vol_key, 5) % 65536, hash32(vol_key, 6) % 65536, hash32(vol_key, 7)),
  'standard',
  100 * 1073741824::BIGINT,
  printf('vol-0%08x%08x', hash32(vol_key, 8), hash32(vol_key, 9)),
  0.4, 0.1,
  '{"app":"backup","storageclass":"standard"}',
  '{"app":"backup","backup":"manual"}'
FROM cfg, namespaces ns WHERE ns.ns_id = $namespaces - 1`;

/**
 * Turns the per-row text columns into ENUMs once the tables are complete. DuckDB writes an ENUM as
 * an ordinary Parquet string column from the dictionary it already has, instead of hashing every
 * row's string again: the largest saving in the whole write. Values are sorted so the dictionary,
 * and so the bytes, do not depend on thread timing.
 */
export const TEXT_AS_ENUMS = (
  [
    ['hours', 'interval_end'],
    ['nodes', 'node'],
    ['nodes', 'node_labels'],
    ['namespaces', 'namespace'],
    ['namespaces', 'namespace_labels'],
    ['pods', 'namespace'],
    ['pods', 'node'],
    ['pods', 'pod'],
    ['pods', 'resource_id'],
    ['pods', 'pod_labels'],
    ['claims', 'namespace'],
    ['claims', 'pod'],
    ['claims', 'persistentvolumeclaim'],
    ['claims', 'persistentvolume'],
    ['claims', 'storageclass'],
    ['claims', 'persistentvolume_labels'],
    ['claims', 'persistentvolumeclaim_labels'],
    ['claims', 'csi_volume_handle'],
  ] as const
).flatMap(([table, column]) => [
  `CREATE TYPE ${table}_${column} AS ENUM (
     SELECT DISTINCT ${column} FROM ${table} WHERE ${column} IS NOT NULL ORDER BY ${column})`,
  `ALTER TABLE ${table} ALTER ${column} TYPE ${table}_${column}`,
]);

/** The month's hours with both interval columns, worked out once rather than per row. */
export const HOURS = `
CREATE TABLE hours AS
SELECT range AS hour, interval_start,
  strftime(interval_start + INTERVAL 3599 SECOND, '%Y-%m-%d %H:%M:%S +0000 UTC') AS interval_end
FROM (SELECT range, $month_start::TIMESTAMP + to_hours(range) AS interval_start FROM range($hours::BIGINT))`;

/** The hours of one day × the ids 0..$count-1 of an entity table, hour-major. */
const dayGrid = (id: string) => `(
  SELECT g.hour, g.${id}, h.interval_start, h.interval_end
  FROM (SELECT $first_hour + i // $count AS hour, i % $count AS ${id} FROM range(24 * $count::BIGINT) t(i)) g
  JOIN hours h USING (hour)
) r`;

/**
 * One day of pod usage. Usage swings through the day and from hour to hour around a per-pod
 * utilization, never above the limit; 1 row in 20 has no effective usage, as from older operators.
 */
export const POD_DAY = `
SELECT interval_start, interval_end,
  namespace, node, pod, resource_id, pod_labels,
  cpu_usage * 3600 AS pod_usage_cpu_core_seconds,
  cpu_request * 3600 AS pod_request_cpu_core_seconds,
  cpu_limit * 3600 AS pod_limit_cpu_core_seconds,
  memory_usage * 3600 AS pod_usage_memory_byte_seconds,
  memory_request * 3600 AS pod_request_memory_byte_seconds,
  memory_limit * 3600 AS pod_limit_memory_byte_seconds,
  CASE WHEN no_effective THEN NULL ELSE greatest(cpu_usage, cpu_request) * 3600 END
    AS pod_effective_usage_cpu_core_seconds,
  CASE WHEN no_effective THEN NULL ELSE greatest(memory_usage, memory_request) * 3600 END
    AS pod_effective_usage_memory_byte_seconds,
  node_cores AS node_capacity_cpu_cores,
  node_cores * 3600 AS node_capacity_cpu_core_seconds,
  node_memory_bytes AS node_capacity_memory_bytes,
  node_memory_bytes * 3600 AS node_capacity_memory_byte_seconds
FROM (
  SELECT p.*,
    least(cpu_limit, cpu_request * cpu_util * (1 + 0.3 * sin(2 * pi() * (hour % 24 - 9) / 24))
      * (0.6 + 0.8 * (h & 1023) / 1023.0)) AS cpu_usage,
    least(memory_limit, memory_request * memory_util * (0.85 + 0.3 * (h >> 10 & 1023) / 1023.0)) AS memory_usage,
    (h >> 20) % 20 = 0 AS no_effective
  FROM (
    SELECT r.hour, r.interval_start, r.interval_end, p.*, hash32(p.k, r.hour) AS h,
      p.cpu_request * p.cpu_limit_factor AS cpu_limit, p.memory_request * p.memory_limit_factor AS memory_limit
    FROM ${dayGrid('pod_id')} JOIN pods p USING (pod_id)
    WHERE r.hour >= p.start_hour
  ) p
)`;

/** One day of storage usage: claims fill up over the month, never past their capacity. */
export const STORAGE_DAY = `
SELECT r.interval_start, r.interval_end,
  c.namespace, c.pod, c.persistentvolumeclaim, c.persistentvolume, c.storageclass,
  c.capacity_bytes AS persistentvolumeclaim_capacity_bytes,
  c.capacity_bytes * 3600 AS persistentvolumeclaim_capacity_byte_seconds,
  c.capacity_bytes * 3600 AS volume_request_storage_byte_seconds,
  c.capacity_bytes * least(1.0, c.fill_start + c.fill_growth * r.hour / $hours) * 3600
    AS persistentvolumeclaim_usage_byte_seconds,
  c.persistentvolume_labels, c.persistentvolumeclaim_labels, c.csi_volume_handle
FROM ${dayGrid('claim_id')} JOIN claims c USING (claim_id)`;

export const NODE_LABELS_DAY = `
SELECT r.interval_start, r.interval_end, n.node, n.node_labels
FROM ${dayGrid('node_id')} JOIN nodes n USING (node_id)`;

export const NAMESPACE_LABELS_DAY = `
SELECT r.interval_start, r.interval_end, ns.namespace, ns.namespace_labels
FROM ${dayGrid('ns_id')} JOIN namespaces ns USING (ns_id)`;

/**
 * Deployment files, checked without a Docker engine or a Kubernetes cluster:
 * - docker-compose.yml through `docker-compose config` (Debian's docker-compose), then its resolved
 *   form: the services, healthchecks, dependencies and published ports the README promises;
 * - the Dockerfile and the health-check script it ships (the script is run against a local server);
 * - every Kubernetes manifest under infra/: parsed, validated against the JSON schemas generated from
 *   the Kubernetes OpenAPI spec and KEDA's CRDs (kubernetes-models, @kubernetes-models/keda), checked
 *   for unknown fields with TypeScript's excess-property check against the same models' types, and
 *   cross-checked (selectors, ports, probes, resources, secrets, the KEDA trigger's BullMQ key);
 */
import { execFile, spawn } from 'node:child_process';
import { findExecutable } from '@ocpsum/services';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { QueueKeys } from 'bullmq';
import { QUEUES, queuePrefix } from '@ocpsum/fleet';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INFRA = join(ROOT, 'infra');
const BASE = join(INFRA, 'base');

/** A parsed manifest or compose object, checked field by field. */
type Doc = Record<string, any>;


/** The environment without this project's and Compose's own variables, so defaults are what is tested. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OCPSUM_|COMPOSE_|DOCKER_)/.test(k)));
}

// ---------------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------------

const OCPSUM_SERVICES = ['reducer', 'worker', 'board', 'cli'];
const LONG_RUNNING = { reducer: '9465', worker: '9464', board: '3000' } as Record<string, string>;

interface Published {
  hostIp?: string;
  published?: string;
  target: string;
}

/** Ports in either form `docker-compose config` prints: "ip:published:target/proto" or long syntax. */
function publishedPorts(service: Doc): Published[] {
  return (service.ports ?? []).map((port: unknown) => {
    if (typeof port === 'object' && port !== null) {
      const p = port as Doc;
      return {
        hostIp: p.host_ip,
        published: p.published === undefined ? undefined : String(p.published),
        target: String(p.target),
      };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    if (parts.length === 3) return { hostIp: parts[0], published: parts[1], target: parts[2]! };
    if (parts.length === 2) return { published: parts[0], target: parts[1]! };
    return { target: parts[0]! };
  });
}

describe('docker-compose.yml', () => {
  let config: Doc;
  let services: Record<string, Doc>;

  beforeAll(async () => {
    if (!findExecutable('docker-compose')) {
      throw new Error('docker-compose not found: install the Debian package docker-compose (.ci/run does)');
    }
    const options = { cwd: ROOT, env: cleanEnv(), maxBuffer: 16 << 20 };
    // An empty env file: a developer's .env must not change the defaults under test.
    const scratch = mkdtempSync(join(tmpdir(), 'ocpsum-compose-'));
    const envFile = join(scratch, 'empty.env');
    writeFileSync(envFile, '');
    const compose = ['--env-file', envFile, '-f', 'docker-compose.yml', 'config'];
    try {
      // -q: validate only (schema, interpolation, references); fails with the reason on stderr.
      await run('docker-compose', [...compose, '-q'], options);
      const { stdout } = await run('docker-compose', compose, options);
      config = parse(stdout) as Doc;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    services = config.services;
  });

  it('has the services of the walk-through', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['board', 'cli', 'createbucket', 'minio', 'postgres', 'redis', 'reducer', 'worker'].sort(),
    );
  });

  it('runs every ocpsum process from the one image built by the Dockerfile', () => {
    const images = new Set(OCPSUM_SERVICES.map((name) => services[name]!.image));
    expect(images.size).toBe(1);
    for (const name of OCPSUM_SERVICES) {
      expect(services[name]!.build?.context, name).toBe(ROOT);
      expect(services[name]!.build?.dockerfile ?? 'Dockerfile', name).toBe('Dockerfile');
    }
    expect(services.worker!.command[0]).toBe('worker');
    expect(services.reducer!.command[0]).toBe('reducer');
    expect(services.board!.command.slice(0, 1)).toEqual(['board']);
    // The one-shot CLI service is not started by `docker compose up`.
    expect(services.cli!.profiles).toEqual(['tools']);
  });

  it('lets the worker scale: no container_name, no published port', () => {
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports ?? []).toEqual([]);
    for (const name of OCPSUM_SERVICES) expect(services[name]!.container_name, name).toBeUndefined();
  });

  it('publishes the board, and anything else it publishes, on 127.0.0.1 only', () => {
    const board = publishedPorts(services.board!);
    expect(board).toEqual([{ hostIp: '127.0.0.1', published: '3000', target: '3000' }]);
    expect(services.board!.command).toEqual(['board', '--port', '3000', '--host', '0.0.0.0']);
    for (const [name, service] of Object.entries(services)) {
      for (const port of publishedPorts(service))
        expect(port.hostIp, `${name} publishes ${port.target}`).toBe('127.0.0.1');
    }
  });

  it('gives the board basic-auth credentials, with defaults', () => {
    expect(services.board!.environment.OCPSUM_BOARD_USER).toBe('admin');
    expect(services.board!.environment.OCPSUM_BOARD_PASSWORD).toBe('change-me');
  });

  it("has a healthcheck on every server, /healthz through the image's script for ocpsum processes", () => {
    for (const name of ['redis', 'minio', 'postgres', 'reducer', 'worker', 'board']) {
      const test = services[name]!.healthcheck?.test as string[] | undefined;
      expect(test, name).toBeDefined();
      expect(['CMD', 'CMD-SHELL']).toContain(test![0]);
    }
    for (const [name, port] of Object.entries(LONG_RUNNING)) {
      const service = services[name]!;
      expect(service.healthcheck.test, name).toEqual(['CMD', 'node', '/app/healthcheck.mjs', port]);
      // The port checked is the port the process serves /healthz on.
      const configured = service.environment.OCPSUM_METRICS_PORT ?? (name === 'board' ? '3000' : undefined);
      expect(configured, name).toBe(port);
    }
  });

  it('starts ocpsum only once its dependencies are healthy and the bucket exists', () => {
    for (const name of ['reducer', 'worker', 'cli']) {
      expect(services[name]!.depends_on, name).toEqual({
        redis: { condition: 'service_healthy' },
        minio: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        createbucket: { condition: 'service_completed_successfully' },
      });
    }
    expect(services.board!.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(services.createbucket!.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    // Every service waited on for health has a healthcheck.
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {}) as [string, Doc][]) {
        if (condition === 'service_healthy')
          expect(services[dependency]!.healthcheck, `${name} → ${dependency}`).toBeDefined();
      }
    }
  });

  it('creates the bucket with mc, once', () => {
    expect(services.createbucket!.image).toMatch(/^minio\/mc:/);
    expect(services.createbucket!.command.join(' ')).toMatch(/mc mb --ignore-existing/);
    expect(services.createbucket!.restart).toBe('no');
  });

  it('keeps data in volumes: Redis with AOF and noeviction, MinIO, PostgreSQL', () => {
    expect(Object.keys(config.volumes).sort()).toEqual(['minio-data', 'pg-data', 'redis-data']);
    const mounts = (name: string) => (services[name]!.volumes as string[]).map((v) => v.replace(/:rw$/, ''));
    expect(mounts('redis')).toEqual(['redis-data:/data']);
    expect(mounts('minio')).toEqual(['minio-data:/data']);
    expect(mounts('postgres')).toEqual(['pg-data:/var/lib/postgresql/data']);
    const redis = (services.redis!.command as string[]).join(' ');
    expect(redis).toContain('--appendonly yes');
    expect(redis).toContain('--maxmemory-policy noeviction');
  });

  it("points the processes at the compose network's Redis, MinIO and prefix", () => {
    for (const name of OCPSUM_SERVICES) {
      const env = services[name]!.environment;
      expect(env.OCPSUM_REDIS_URL, name).toBe('redis://redis:6379');
      expect(env.OCPSUM_S3_ENDPOINT, name).toBe('http://minio:9000');
      expect(env.OCPSUM_S3_PATH_STYLE, name).toBe('true');
      expect(env.OCPSUM_PREFIX, name).toBe('ocpsum');
      expect(env.AWS_ACCESS_KEY_ID, name).toBe(services.minio!.environment.MINIO_ROOT_USER);
      expect(env.AWS_SECRET_ACCESS_KEY, name).toBe(services.minio!.environment.MINIO_ROOT_PASSWORD);
    }
    // SIGTERM gives the long-running processes time to finish a chunk or a reduce.
    expect(services.worker!.stop_grace_period).toBe('2m');
    expect(services.reducer!.stop_grace_period).toBe('2m');
  });
});

// ---------------------------------------------------------------------------------------------------
// Dockerfile and its health check
// ---------------------------------------------------------------------------------------------------

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('builds in one stage and runs production dependencies in another, from Debian slim', () => {
    const stages = instructions.filter((line) => /^FROM /i.test(line));
    expect(stages.map((line) => line.split(/\s+AS\s+/i)[1])).toEqual(['base', 'manifests', 'build', 'runtime']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(instructions).toContain('RUN npm ci --ignore-scripts');
    expect(instructions.some((line) => line.startsWith('RUN npm ci --omit=dev'))).toBe(true);
  });

  it('runs as a numeric non-root user, with the CLI as entrypoint and a health check', () => {
    const user = instructions.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*(:\d+)?$/);
    expect(instructions).toContain('ENTRYPOINT ["node", "apps/cli/dist/main.js"]');
    expect(instructions.some((line) => line.startsWith('HEALTHCHECK') && line.includes('/app/healthcheck.mjs'))).toBe(
      true,
    );
    expect(instructions).toContain('COPY infra/docker/healthcheck.mjs /app/healthcheck.mjs');
  });

  it('keeps host builds and installs out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.git']) expect(ignored).toContain(entry);
    // npm ci needs every workspace's package.json, the test workspace's too.
    expect(ignored).toContain('!test/package.json');
    expect(ignored).not.toContain('infra/docker');
  });
});

describe('infra/docker/healthcheck.mjs', () => {
  const script = join(INFRA, 'docker', 'healthcheck.mjs');
  let server: Server;
  let port: string;
  let status = 200;
  let authorization: string | undefined;

  beforeAll(async () => {
    server = createServer((request, response) => {
      authorization = request.headers.authorization;
      response
        .writeHead(request.url === '/healthz' ? status : 404)
        .end(JSON.stringify({ redis: status === 200 ? 'ok' : 'down' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = String((server.address() as AddressInfo).port);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function check(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, ...args], { env: { ...cleanEnv(), ...env }, stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? -1));
    });
  }

  it('passes on 200, fails on 503 unless --live, fails when nothing listens', async () => {
    status = 200;
    expect(await check([port])).toBe(0);
    expect(await check([], { OCPSUM_METRICS_PORT: port })).toBe(0);
    status = 503;
    expect(await check([port])).toBe(1);
    expect(await check([port, '--live'])).toBe(0);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = String((closed.address() as AddressInfo).port);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await check([unused, '--live'])).toBe(1);
  });

  it('has nothing to check without a port (one-shot commands), and sends board credentials when set', async () => {
    expect(await check([])).toBe(0);
    status = 200;
    expect(await check([port], { OCPSUM_BOARD_USER: 'admin', OCPSUM_BOARD_PASSWORD: 'pw' })).toBe(0);
    expect(authorization).toBe(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
  });
});

// ---------------------------------------------------------------------------------------------------
// Kubernetes manifests
// ---------------------------------------------------------------------------------------------------

interface Manifest {
  file: string;
  index: number;
  doc: Doc;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function parseManifests(file: string, text: string): Manifest[] {
  return parseAllDocuments(text).flatMap((document, index) => {
    if (document.errors.length)
      throw new Error(`${file} document ${index + 1}: ${document.errors.map((e) => e.message).join('; ')}`);
    const doc = document.toJS() as Doc | null;
    return doc === null ? [] : [{ file, index, doc }];
  });
}

const label = (m: Manifest) => `${m.file}#${m.index + 1} ${m.doc.kind}/${m.doc.metadata?.name}`;

/** Models (schema + type) for each apiVersion/kind used here: module, export name. */
const MODELS: Record<string, [string, string]> = {
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'ConfigMap'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'Secret'],
  'v1/Service': ['kubernetes-models/v1/Service', 'Service'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'Deployment'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'PodDisruptionBudget'],
  'keda.sh/v1alpha1/ScaledObject': ['@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', 'ScaledObject'],
  'keda.sh/v1alpha1/TriggerAuthentication': [
    '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication',
    'TriggerAuthentication',
  ],
};
const SCHEMA_PACKAGES = 'kubernetes-models@4.5.1 @kubernetes-models/keda@0.4.2';

type ModelClass = new (data: Doc) => { validate(): void };

async function loadModel(key: string): Promise<ModelClass> {
  const [module, name] = MODELS[key]!;
  try {
    return (await import(module))[name] as ModelClass;
  } catch (error) {
    throw new Error(
      `cannot load the schema of ${key} from ${module} (${(error as Error).message}): ` +
        `the Kubernetes schemas are dev dependencies, npm install --save-dev ${SCHEMA_PACKAGES}`,
    );
  }
}

function schemaErrors(error: unknown): string {
  const errors = (error as { errors?: { instancePath: string; message: string; params?: unknown }[] }).errors;
  if (!errors) return (error as Error).message;
  return errors.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params ?? {})}`).join('; ');
}

/**
 * Unknown fields: the JSON schemas allow extra properties (as Kubernetes' OpenAPI does), so a misspelt
 * field would pass them. TypeScript's excess-property check against the models' generated types
 * catches it, as `kubectl apply --validate=strict` would on a server.
 */
function unknownFieldErrors(manifests: Manifest[]): string[] {
  const virtual = join(ROOT, 'test', 'infra', '__manifests__.ts');
  const imports: string[] = [];
  const spans: { start: number; end: number; label: string }[] = [];
  const used = new Set<string>();
  for (const m of manifests) {
    const key = `${m.doc.apiVersion}/${m.doc.kind}`;
    const [module, name] = MODELS[key]!;
    if (!used.has(key)) {
      used.add(key);
      imports.push(`import type { I${name} } from '${module}';`);
    }
  }
  let text = `${imports.join('\n')}\n`;
  manifests.forEach((m, i) => {
    const [, name] = MODELS[`${m.doc.apiVersion}/${m.doc.kind}`]!;
    const declaration = `export const m${i}: I${name} = ${JSON.stringify(m.doc)};\n`;
    spans.push({ start: text.length, end: text.length + declaration.length, label: label(m) });
    text += declaration;
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, language, ...rest) =>
    fileName === virtual
      ? ts.createSourceFile(fileName, text, language)
      : getSourceFile.call(host, fileName, language, ...rest);
  host.fileExists = (fileName) => fileName === virtual || fileExists.call(host, fileName);
  host.readFile = (fileName) => (fileName === virtual ? text : readFile.call(host, fileName));
  const program = ts.createProgram([virtual], options, host);
  const source = program.getSourceFile(virtual)!;
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  return diagnostics.map((d) => {
    const where = spans.find((s) => d.start !== undefined && d.start >= s.start && d.start < s.end)?.label ?? 'imports';
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/** A Kubernetes quantity in base units (cores, bytes). */
function quantity(value: string | number): number {
  const match = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  if (!match) throw new Error(`not a quantity: ${value}`);
  const scale: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(match[1]) * (match[2] ? scale[match[2]]! : 1);
}

const REDIS_TRIGGER_KEYS = new Set([
  'address',
  'addressFromEnv',
  'host',
  'hostFromEnv',
  'port',
  'portFromEnv',
  'usernameFromEnv',
  'passwordFromEnv',
  'listName',
  'listLength',
  'activationListLength',
  'databaseIndex',
  'enableTLS',
  'unsafeSsl',
]);

describe('Kubernetes manifests (infra/)', () => {
  const files = yamlFiles(INFRA).sort();
  const all: Manifest[] = files.flatMap((file) => parseManifests(relative(ROOT, file), readFileSync(file, 'utf8')));
  const kustomization = all.find((m) => m.doc.kind === 'Kustomization')!;
  const manifests = all.filter((m) => m !== kustomization);
  const of = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
  const named = (kind: string, name: string) => of(kind).find((d) => d.metadata.name === name);
  const deployments = of('Deployment');
  const deployment = (component: string) =>
    deployments.find((d) => d.metadata.labels['app.kubernetes.io/component'] === component)!;
  const config = named('ConfigMap', 'ocpsum-config')!;
  const secret = named('Secret', 'ocpsum-secrets')!;

  it('parses: every YAML file, every document, each a known apiVersion/kind', () => {
    expect(files.map((f) => relative(INFRA, f))).toEqual([
      'base/board.yaml',
      'base/configmap.yaml',
      'base/kustomization.yaml',
      'base/reducer.yaml',
      'base/secret.yaml',
      'base/worker-pdb.yaml',
      'base/worker-scaledobject.yaml',
      'base/worker.yaml',
    ]);
    for (const m of manifests) {
      expect(Object.keys(MODELS), label(m)).toContain(`${m.doc.apiVersion}/${m.doc.kind}`);
      expect(m.doc.metadata?.name, label(m)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      // No namespace: `kubectl apply -k infra/base -n NAME` (or an overlay) chooses it.
      expect(m.doc.metadata.namespace, label(m)).toBeUndefined();
      expect(m.doc.metadata.labels?.['app.kubernetes.io/part-of'], label(m)).toBe('ocpsum');
    }
    expect(manifests.map((m) => `${m.doc.kind}/${m.doc.metadata.name}`).sort()).toEqual([
      'ConfigMap/ocpsum-config',
      'Deployment/ocpsum-board',
      'Deployment/ocpsum-reducer',
      'Deployment/ocpsum-worker',
      'PodDisruptionBudget/ocpsum-worker',
      'ScaledObject/ocpsum-worker',
      'Secret/ocpsum-secrets',
      'Service/ocpsum-board',
      'TriggerAuthentication/ocpsum-redis',
    ]);
  });

  it('is valid against the Kubernetes and KEDA JSON schemas', async () => {
    const failures: string[] = [];
    for (const m of manifests) {
      const Model = await loadModel(`${m.doc.apiVersion}/${m.doc.kind}`);
      try {
        new Model(m.doc).validate();
      } catch (error) {
        failures.push(`${label(m)}: ${schemaErrors(error)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("has no unknown fields (excess-property check against the same models' types)", async () => {
    await loadModel('apps/v1/Deployment'); // says what to install when the models are missing
    expect(unknownFieldErrors(manifests)).toEqual([]);
  });

  it('lists every manifest in the kustomization, and nothing else', () => {
    const k = kustomization.doc;
    expect(kustomization.file).toBe('infra/base/kustomization.yaml');
    expect(k.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    for (const key of Object.keys(k)) expect(['apiVersion', 'kind', 'resources', 'images'], key).toContain(key);
    const listed = (k.resources as string[]).map((r) => join('infra/base', r)).sort();
    const present = [...new Set(manifests.map((m) => m.file))].sort();
    expect(listed).toEqual(present);
    // The image every container names is the one the kustomization rewrites.
    expect(k.images).toHaveLength(1);
    for (const d of deployments) {
      for (const c of d.spec.template.spec.containers) expect(c.image, d.metadata.name).toBe(k.images[0].name);
    }
  });

  it('matches selectors to pod labels (Deployments, PodDisruptionBudget, Service)', () => {
    const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
    for (const d of deployments) {
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels), d.metadata.name).toBe(true);
      // No other Deployment's pods fall under this selector.
      for (const other of deployments.filter((o) => o !== d)) {
        expect(
          matches(d.spec.selector.matchLabels, other.spec.template.metadata.labels),
          `${d.metadata.name} ∌ ${other.metadata.name}`,
        ).toBe(false);
      }
    }
    const [pdb] = of('PodDisruptionBudget');
    expect(matches(pdb!.spec.selector.matchLabels, deployment('worker').spec.template.metadata.labels)).toBe(true);
    expect(pdb!.spec.maxUnavailable ?? pdb!.spec.minAvailable).toBeDefined();

    const [service] = of('Service');
    const board = deployment('board');
    expect(service!.spec.type).toBe('ClusterIP');
    expect(matches(service!.spec.selector, board.spec.template.metadata.labels)).toBe(true);
    const boardPorts = board.spec.template.spec.containers[0].ports;
    for (const port of service!.spec.ports) {
      expect(
        boardPorts.some((p: Doc) => p.name === port.targetPort || p.containerPort === port.targetPort),
        `targetPort ${port.targetPort}`,
      ).toBe(true);
    }
  });

  it('runs each process with its command, port and /healthz probes on that port', () => {
    const expected = {
      worker: ['worker', '9464'],
      reducer: ['reducer', '9465'],
      board: ['board', '3000'],
    } as const;
    for (const [component, [command, port]] of Object.entries(expected)) {
      const d = deployment(component);
      const [container, ...others] = d.spec.template.spec.containers;
      expect(others, component).toEqual([]);
      expect(container.args[0], component).toBe(command);
      expect(
        container.ports.map((p: Doc) => String(p.containerPort)),
        component,
      ).toEqual([port]);
      const env = Object.fromEntries((container.env ?? []).map((e: Doc) => [e.name, e.value]));
      if (component !== 'board') expect(env.OCPSUM_METRICS_PORT, component).toBe(port);
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const p = container[probe];
        expect(p?.exec?.command?.slice(0, 3), `${component} ${probe}`).toEqual(['node', '/app/healthcheck.mjs', port]);
        // Liveness must not restart pods because Redis is away: any answer will do.
        expect(p.exec.command.includes('--live'), `${component} ${probe}`).toBe(probe !== 'readinessProbe');
        expect(p.timeoutSeconds, `${component} ${probe}`).toBeGreaterThanOrEqual(5);
      }
    }
    expect(deployment('board').spec.template.spec.containers[0].args).toEqual([
      'board',
      '--port',
      '3000',
      '--host',
      '0.0.0.0',
    ]);
  });

  it('sizes resources from the measured memory: worker 400 MB up to 10M rows and 1.4 GB at 100M, reducer 250 MB', () => {
    for (const d of deployments) {
      for (const c of d.spec.template.spec.containers) {
        const { requests, limits } = c.resources;
        for (const resource of ['cpu', 'memory']) {
          expect(requests?.[resource], `${d.metadata.name} requests.${resource}`).toBeDefined();
          expect(limits?.[resource], `${d.metadata.name} limits.${resource}`).toBeDefined();
          expect(quantity(requests[resource]), `${d.metadata.name} ${resource}`).toBeLessThanOrEqual(
            quantity(limits[resource]),
          );
        }
      }
    }
    const worker = deployment('worker').spec.template.spec.containers[0].resources;
    expect(quantity(worker.requests.memory)).toBeGreaterThanOrEqual(400e6 * 1.25);
    expect(quantity(worker.limits.memory)).toBeGreaterThanOrEqual(1.4e9 * 1.25);
    // DuckDB runs --threads threads: the CPU limit allows them all.
    expect(quantity(worker.limits.cpu)).toBeGreaterThanOrEqual(
      Number(deployment('worker').spec.template.spec.containers[0].args[2]),
    );
    const reducer = deployment('reducer').spec.template.spec.containers[0].resources;
    expect(quantity(reducer.requests.memory)).toBeGreaterThanOrEqual(250e6);
    expect(quantity(reducer.limits.memory)).toBeGreaterThanOrEqual(250e6 * 1.5);
  });

  it('runs as non-root on a read-only root filesystem, with /tmp an emptyDir', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot, d.metadata.name).toBe(true);
      expect(pod.automountServiceAccountToken, d.metadata.name).toBe(false);
      const volumes = new Map<string, Doc>(pod.volumes.map((v: Doc) => [v.name, v]));
      for (const c of pod.containers) {
        expect(c.securityContext, d.metadata.name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        for (const mount of c.volumeMounts)
          expect(volumes.has(mount.name), `${d.metadata.name} mounts ${mount.name}`).toBe(true);
        const tmp = c.volumeMounts.find((m: Doc) => m.mountPath === '/tmp');
        expect(volumes.get(tmp?.name)?.emptyDir, `${d.metadata.name} /tmp`).toBeDefined();
      }
    }
  });

  it('gives workers and the reducer time to finish a chunk on SIGTERM, and leaves worker replicas to KEDA', () => {
    for (const component of ['worker', 'reducer']) {
      expect(deployment(component).spec.template.spec.terminationGracePeriodSeconds, component).toBeGreaterThanOrEqual(
        120,
      );
    }
    expect(deployment('worker').spec.replicas).toBeUndefined();
  });

  it('takes settings from the ConfigMap and secrets from the Secret, each key defined', () => {
    const secretKeys = new Set(Object.keys({ ...secret.data, ...secret.stringData }));
    for (const d of deployments) {
      for (const c of d.spec.template.spec.containers) {
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) expect(named('ConfigMap', from.configMapRef.name), d.metadata.name).toBeDefined();
          expect(from.secretRef, `${d.metadata.name}: secrets one by one, not envFrom`).toBeUndefined();
        }
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect(ref.name, `${d.metadata.name} ${e.name}`).toBe(secret.metadata.name);
          expect(secretKeys.has(ref.key), `${d.metadata.name} ${e.name} → ${ref.key}`).toBe(true);
        }
        const env = new Set([...(c.env ?? []).map((e: Doc) => e.name), ...Object.keys(config.data)]);
        for (const name of ['OCPSUM_REDIS_URL', 'OCPSUM_PREFIX'])
          expect(env.has(name), `${d.metadata.name} ${name}`).toBe(true);
        if (c.args[0] !== 'board') {
          for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'OCPSUM_S3_ENDPOINT', 'AWS_REGION'])
            expect(env.has(name), `${d.metadata.name} ${name}`).toBe(true);
        } else {
          for (const name of ['OCPSUM_BOARD_USER', 'OCPSUM_BOARD_PASSWORD'])
            expect(env.has(name), `board ${name}`).toBe(true);
        }
      }
    }
    for (const key of ['OCPSUM_PREFIX', 'OCPSUM_S3_ENDPOINT', 'OCPSUM_LOG_LEVEL'])
      expect(config.data[key], key).toBeDefined();
    // The prefix is one the fleet accepts.
    expect(() => queuePrefix(config.data.OCPSUM_PREFIX)).not.toThrow();
  });

  it('ships placeholders, not secrets', () => {
    expect(secret.data).toBeUndefined();
    for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
      if (key === 'OCPSUM_BOARD_USER') continue;
      expect(value, key).toContain('replace-me');
    }
    expect(readFileSync(join(BASE, 'secret.yaml'), 'utf8')).toMatch(/^# Replace me/m);
  });

  it('scales workers with KEDA on the length of the BullMQ wait lists of their queues', () => {
    const [scaled] = of('ScaledObject');
    const target = scaled!.spec.scaleTargetRef;
    expect(target.kind ?? 'Deployment').toBe('Deployment');
    expect(target.name).toBe(deployment('worker').metadata.name);
    expect(named('Deployment', target.name)!.spec.template.spec.containers[0].args[0]).toBe('worker');

    // The keys BullMQ itself uses for the queues the worker serves, under the fleet's {prefix}.
    const keys = new QueueKeys(queuePrefix(config.data.OCPSUM_PREFIX));
    const expected = [QUEUES.chunks, QUEUES.days, QUEUES.whole].map((queue) => keys.toKey(queue, 'wait'));
    expect(expected[0]).toBe('{ocpsum}:chunks:wait');
    const triggers = scaled!.spec.triggers as Doc[];
    expect(triggers.map((t) => t.metadata.listName)).toEqual(expected);

    const workerEnvFrom = deployment('worker').spec.template.spec.containers[0].envFrom.map(
      (f: Doc) => f.configMapRef?.name,
    );
    for (const trigger of triggers) {
      expect(trigger.type).toBe('redis'); // lists; not redis-streams (BullMQ's backlog is a list)
      for (const key of Object.keys(trigger.metadata))
        expect(REDIS_TRIGGER_KEYS.has(key), `trigger metadata ${key}`).toBe(true);
      expect(trigger.metadata.listLength).toMatch(/^[1-9]\d*$/);
      // KEDA reads the address from the worker container's environment: the ConfigMap's key.
      expect(workerEnvFrom).toContain(config.metadata.name);
      expect(config.data[trigger.metadata.addressFromEnv], 'addressFromEnv').toMatch(/^[^:/]+:\d+$/);
      const auth = named('TriggerAuthentication', trigger.authenticationRef.name)!;
      expect(auth, 'authenticationRef').toBeDefined();
      for (const ref of auth.spec.secretTargetRef) {
        expect(ref.name).toBe(secret.metadata.name);
        expect(Object.keys(secret.stringData)).toContain(ref.key);
      }
    }
    expect(scaled!.spec.minReplicaCount).toBeLessThanOrEqual(scaled!.spec.maxReplicaCount);
  });
});

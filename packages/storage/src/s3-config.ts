import { z } from 'zod';
import { checkKey } from './keys.js';

/** Settings for an S3 root; anything left out comes from the environment, then from defaults. */
export interface S3StoreOptions {
  /** An S3-compatible endpoint such as `http://127.0.0.1:9000` (else OCPSUM_S3_ENDPOINT or AWS_ENDPOINT_URL). */
  endpoint?: string;
  /** Else AWS_REGION, else `us-east-1`. */
  region?: string;
  /** Bucket in the path rather than the host name (else OCPSUM_S3_PATH_STYLE; on by default with an endpoint). */
  forcePathStyle?: boolean;
  /** Else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Attempts per request, retries included (default 3). */
  maxAttempts?: number;
  /** Give up connecting after this long (default 2000 ms), so an unreachable endpoint fails in seconds. */
  connectTimeoutMs?: number;
  /** Give up on a socket idle this long (default 30000 ms). */
  socketTimeoutMs?: number;
  /** Streams longer than this are uploaded in parts of this size (default 8 MiB, at least 5 MiB). */
  partSize?: number;
  /** Environment to read instead of process.env (tests). */
  env?: Record<string, string | undefined>;
}

export interface S3Config {
  bucket: string;
  /** Key prefix inside the bucket, without a trailing `/`; empty for the whole bucket. */
  prefix: string;
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  /** Undefined leaves credentials to the SDK's default chain (profiles, web identity, instance roles). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  maxAttempts: number;
  connectTimeoutMs: number;
  socketTimeoutMs: number;
  partSize: number;
}

const MiB = 1024 * 1024;

const endpoint = z.url({
  protocol: /^https?$/,
  error: (issue) => `must be an http(s) URL such as http://127.0.0.1:9000, got "${String(issue.input)}"`,
});
const region = z.string().regex(/^[a-z0-9-]+$/, { error: 'must be a region name such as us-east-1' });
const text = z.string().min(1, { error: 'must not be empty' });

const envSchema = z.object({
  OCPSUM_S3_ENDPOINT: endpoint.optional(),
  AWS_ENDPOINT_URL: endpoint.optional(),
  AWS_REGION: region.optional(),
  OCPSUM_S3_PATH_STYLE: z
    .enum(['true', 'false'], { error: (issue) => `must be "true" or "false", got "${String(issue.input)}"` })
    .optional(),
  AWS_ACCESS_KEY_ID: text.optional(),
  AWS_SECRET_ACCESS_KEY: text.optional(),
  AWS_SESSION_TOKEN: text.optional(),
  AWS_PROFILE: text.optional(),
});

// Strict, so a misspelt option is reported instead of silently ignored.
const optionsSchema = z.strictObject({
  endpoint: endpoint.optional(),
  region: region.optional(),
  forcePathStyle: z.boolean().optional(),
  accessKeyId: text.optional(),
  secretAccessKey: text.optional(),
  sessionToken: text.optional(),
  maxAttempts: z.int().min(1).max(10).optional(),
  connectTimeoutMs: z.int().positive().optional(),
  socketTimeoutMs: z.int().positive().optional(),
  partSize: z
    .int()
    .min(5 * MiB, { error: 'must be at least 5 MiB (5242880), the smallest part S3 accepts' })
    .optional(),
});

// S3's rules for bucket names (lower case, 3-63 characters, no leading or trailing dot or dash).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function fail(root: string, problems: string[]): never {
  throw new Error(`invalid S3 configuration for ${root}: ${problems.join('; ')}`);
}

function parse<T>(root: string, schema: z.ZodType<T>, input: unknown, label: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    fail(
      root,
      // An issue without a path is about the object itself, such as a misspelt option name.
      result.error.issues.map((issue) =>
        issue.path.length ? `${label} ${issue.path.join('.')} ${issue.message}` : `${label}s: ${issue.message}`,
      ),
    );
  }
  return result.data;
}

/** Parses `s3://bucket/prefix` and merges options, environment and defaults; throws saying what to fix. */
export function resolveS3Config(root: string, options: S3StoreOptions = {}): S3Config {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(root);
  if (!match) fail(root, ['expected a root of the form s3://bucket/prefix']);
  const bucket = match[1]!;
  if (!BUCKET.test(bucket)) {
    fail(root, [`bucket name "${bucket}" must be 3-63 lower-case letters, digits, "." or "-"`]);
  }
  const prefix = match[2]!.replace(/\/+$/, '');
  if (prefix) {
    try {
      checkKey(prefix);
    } catch (error) {
      fail(root, [`prefix: ${(error as Error).message}`]);
    }
  }

  const { env: rawEnv = process.env, ...rest } = options;
  // An empty variable means "not set", as shells commonly leave them.
  const envInput = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((name) => (rawEnv[name] ? [[name, rawEnv[name]]] : [])),
  );
  const env = parse(root, envSchema, envInput, 'environment variable');
  const opts = parse(root, optionsSchema, rest, 'option');

  const chosenEndpoint = opts.endpoint ?? env.OCPSUM_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL;
  const pathStyleEnv = env.OCPSUM_S3_PATH_STYLE === undefined ? undefined : env.OCPSUM_S3_PATH_STYLE === 'true';

  const fromOptions = opts.accessKeyId !== undefined || opts.secretAccessKey !== undefined;
  const keyId = fromOptions ? opts.accessKeyId : env.AWS_ACCESS_KEY_ID;
  const secret = fromOptions ? opts.secretAccessKey : env.AWS_SECRET_ACCESS_KEY;
  const where = fromOptions ? 'options accessKeyId and secretAccessKey' : 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  if ((keyId === undefined) !== (secret === undefined)) fail(root, [`set both ${where}, not only one`]);
  const credentials =
    keyId !== undefined && secret !== undefined
      ? { accessKeyId: keyId, secretAccessKey: secret, sessionToken: opts.sessionToken ?? env.AWS_SESSION_TOKEN }
      : undefined;
  // Without keys the SDK's default chain would end by asking the EC2 instance-metadata address, which makes no
  // sense for a self-hosted endpoint and only turns "forgot the keys" into a slow, obscure failure.
  if (!credentials && chosenEndpoint !== undefined && env.AWS_PROFILE === undefined) {
    fail(root, [
      `no credentials for ${chosenEndpoint}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)`,
    ]);
  }

  return {
    bucket,
    prefix,
    endpoint: chosenEndpoint,
    region: opts.region ?? env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: opts.forcePathStyle ?? pathStyleEnv ?? chosenEndpoint !== undefined,
    credentials,
    maxAttempts: opts.maxAttempts ?? 3,
    connectTimeoutMs: opts.connectTimeoutMs ?? 2000,
    socketTimeoutMs: opts.socketTimeoutMs ?? 30_000,
    partSize: opts.partSize ?? 8 * MiB,
  };
}

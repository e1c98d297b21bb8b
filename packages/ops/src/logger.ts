import { pino, type Logger } from 'pino';
import { PROCESS_ID } from '@ocpsum/fleet';

export type { Logger };

export interface LoggerOptions {
  /** `trace` … `fatal` or `silent`; default: OCPSUM_LOG_LEVEL, else `info`. */
  level?: string;
  /** `json` (one JSON object a line) or `pretty` (for a person); default: OCPSUM_LOG_FORMAT, else pretty on a terminal. */
  format?: 'json' | 'pretty';
  /** Where lines go; default stderr. */
  write?: (line: string) => void;
}

/** Field names whose values never reach a log line, at the top level or one object down. */
const SECRET_FIELDS = [
  'password',
  'secret',
  'secretAccessKey',
  'sessionToken',
  'accessKeyId',
  'authorization',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'PGPASSWORD',
  'OCPSUM_BOARD_PASSWORD',
  'connectionString',
];
/** Environment variables whose values are scrubbed from any line, wherever they appear. */
const SECRET_ENV = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'PGPASSWORD',
  'OCPSUM_BOARD_PASSWORD',
  'OCPSUM_S3_SECRET_ACCESS_KEY',
];

/**
 * Structured logs of a long-running process (`role`: worker, reducer, board): pino JSON on
 * stderr, one line per event, with `role` and `process` (host:pid, the id run reports use).
 * Secrets are kept out twice: known fields are redacted, and every line is scrubbed of URL
 * passwords (`scheme://user:***@host`) and of the values of secret environment variables.
 */
export function createLogger(role: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.OCPSUM_LOG_LEVEL ?? 'info';
  if (!(level in pino.levels.values) && level !== 'silent') {
    throw new Error(
      `OCPSUM_LOG_LEVEL="${level}" is not a log level: use one of ${Object.keys(pino.levels.values).join(', ')}, silent`,
    );
  }
  const format = options.format ?? logFormat();
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const scrub = secretScrubber();
  return pino(
    {
      level,
      base: { role, process: PROCESS_ID },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]), '*.headers.authorization'],
        censor: '[redacted]',
      },
      hooks: { streamWrite: scrub },
    },
    { write: format === 'pretty' ? (line: string) => write(pretty(line)) : write },
  );
}

function logFormat(): 'json' | 'pretty' {
  const format = process.env.OCPSUM_LOG_FORMAT;
  if (format === 'json' || format === 'pretty') return format;
  if (format) throw new Error(`OCPSUM_LOG_FORMAT="${format}" is not a log format: use json or pretty`);
  return process.stderr.isTTY ? 'pretty' : 'json';
}

/** Replaces URL passwords and secret environment values in a serialized line. */
export function secretScrubber(env: NodeJS.ProcessEnv = process.env): (line: string) => string {
  const secrets = SECRET_ENV.map((name) => env[name])
    .filter((value): value is string => !!value && value.length >= 4)
    // As they appear inside a JSON string, too.
    .flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]);
  return (line) => {
    let out = line.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/@:"]*):[^\s/@"]+@/gi, '$1:***@');
    for (const secret of secrets) out = out.split(secret).join('***');
    return out;
  };
}

const LEVEL_STYLE: Record<string, string> = {
  trace: '90',
  debug: '36',
  info: '32',
  warn: '33',
  error: '31',
  fatal: '35',
};
const OWN_FIELDS = new Set(['time', 'level', 'role', 'process', 'msg', 'err']);

/** A log line for a person: time, level, message, then the other fields as key=value. */
export function pretty(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = String(entry.level ?? '');
  const color = process.stderr.isTTY ? LEVEL_STYLE[level] : undefined;
  const label = color ? `\x1b[${color}m${level.toUpperCase().padEnd(5)}\x1b[0m` : level.toUpperCase().padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !OWN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const tail = err ? `\n    ${(err.stack ?? err.message ?? '').replace(/\n/g, '\n    ')}` : '';
  return `${time} ${label} ${entry.msg ?? ''}${fields.length ? `  ${fields.join(' ')}` : ''}${tail}\n`;
}

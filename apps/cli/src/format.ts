import { Option } from 'commander';
import type { OutputTiming } from '@ocpsum/sinks';

const integer = new Intl.NumberFormat('en-US');

export const count = (n: number) => integer.format(n);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** A plain text table with right-aligned numeric columns. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const numeric = header.map((_, c) => rows.every((r) => typeof r[c] === 'number'));
  return cells
    .map((r) => r.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '))
    .join('\n');
}

/** One output's line of a run summary: where it went, how long it took, what it did. */
export const describeSink = (sink: OutputTiming) =>
  `sink   ${sink.target}: ${seconds(sink.ms)}${sink.detail ? ` (${sink.detail})` : ''}`;

/**
 * `--json`: stdout is then one JSON document (`jsonText`) and nothing else; progress, warnings and
 * errors stay on stderr.
 */
export const jsonOption = (what: string) =>
  new Option('--json', `print ${what} as one JSON document on stdout (messages stay on stderr)`).default(false);

export const jsonText = (value: unknown) => JSON.stringify(value, null, 2);

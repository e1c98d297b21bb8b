import { describeDays, type RunRecord } from '@ocpsum/fleet';
import { redactUrl } from '@ocpsum/core';
import { count, seconds, table } from './format.js';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** The run report as a person reads it. */
export function describeRecord(record: RunRecord): string {
  const lines = [
    `run ${record.runId}: ${record.status} (${record.mode}, ${record.chunksDone}/${record.chunks} chunks, source ${record.source}, ${record.month})`,
  ];
  if (record.error) lines.push(`error: ${record.error}`);
  if (record.finishedAt) lines.push(`took ${seconds(record.finishedAt - record.createdAt)} from enqueue to output`);
  const report = record.report;
  if (!report) return lines.join('\n');
  const kinds = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([k, v]) => `${count(v)} ${k}`)
      .join(', ');
  lines.push(`rows in:  ${kinds(report.rowsIn)}`);
  lines.push(`rows out: ${kinds(report.rowsOut)}`);
  lines.push(
    `phases:   ${Object.entries(report.phases)
      .map(([k, v]) => `${k} ${seconds(v)}`)
      .join(', ')}`,
  );
  lines.push(`outputs:  ${report.outputs.map(redactUrl).join(', ')}`);
  if (report.chunks.length) {
    lines.push(
      '',
      table(
        ['chunk', 'worker', 'rows', 'fetch ms', 'kernel ms', 'partial KB'],
        report.chunks.map((c) => [
          c.chunk,
          c.worker,
          c.rows,
          Math.round(c.fetchMs),
          Math.round(c.kernelMs),
          Math.round(c.partialBytes / 1024),
        ]),
      ),
    );
  }
  if (report.days.length) {
    lines.push(
      '',
      table(
        ['days', 'worker', 'rows out', 'fetch ms', 'merge ms', 'finalize ms', 'stage ms'],
        report.days.map((d) => [
          describeDays(d.days),
          d.worker,
          d.counts.pod + d.counts.storage + d.counts.unallocated,
          Math.round(d.fetchMs),
          Math.round(d.mergeMs),
          Math.round(d.finalizeMs),
          Math.round(d.stageMs),
        ]),
      ),
    );
  }
  lines.push(
    '',
    table(
      ['process', 'peak RSS'],
      Object.entries(report.peakRss).map(([p, b]) => [p, mb(b)]),
    ),
  );
  return lines.join('\n');
}

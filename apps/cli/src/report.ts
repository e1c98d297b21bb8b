import { describeDays, runDocument, type RunDocument, type RunEntry, type RunRecord } from '@ocpsum/fleet';
import { count, describeSink, jsonText, seconds, table } from './format.js';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Prints a run on stdout: its document as JSON (`--json`), else as a person reads it. */
export function printRun(record: RunRecord, json: boolean): void {
  const run = runDocument(record);
  console.log(json ? jsonText(run) : describeRunDocument(run));
}

/** A run's document as a person reads it: its progress, then its report. */
export function describeRunDocument(run: RunDocument): string {
  const lines = [
    `run ${run.runId}: ${run.status} (${run.mode}, ${run.chunksDone}/${run.chunks} chunks, source ${run.source}, ${run.month})`,
  ];
  if (run.error) lines.push(`error: ${run.error}`);
  if (run.durationMs !== null) lines.push(`took ${seconds(run.durationMs)} from enqueue to output`);
  const report = run.report;
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
  lines.push(`outputs:  ${report.outputs.join(', ')}`);
  for (const sink of report.sinks) lines.push(describeSink(sink));
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

/** Recent runs, one line each, newest first. */
export function describeRuns(runs: RunEntry[], now = Date.now()): string {
  if (!runs.length) return 'no runs';
  return table(
    ['run', 'source', 'month', 'status', 'chunks', 'started', 'duration'],
    runs.map((r) => [
      r.runId ?? '',
      r.source,
      r.month,
      r.status,
      `${r.chunksDone}/${r.chunks}`,
      new Date(r.createdAt).toISOString(),
      r.durationMs === null ? `${seconds(now - r.createdAt)} so far` : seconds(r.durationMs),
    ]),
  );
}

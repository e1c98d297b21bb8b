/**
 * One baseline query in a process of its own, so GNU time can measure its peak RSS: the request is the
 * JSON in argv[2]; the result is printed as JSON on stdout.
 */
import { runBaseline, type BaselineRequest } from './baseline.js';

try {
  const request = JSON.parse(process.argv[2] ?? '') as BaselineRequest;
  process.stdout.write(`${JSON.stringify(await runBaseline(request))}\n`);
} catch (error) {
  process.stderr.write(`baseline: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}

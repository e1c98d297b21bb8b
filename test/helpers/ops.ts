/** What an operator reads from a fleet process over HTTP: its endpoints and Prometheus samples. */

/** GET over HTTP; never rejects for an HTTP status. */
export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** One sample of a Prometheus text exposition: `name{a="b"}` → value (labels as written, in order). */
export function sample(exposition: string, series: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (line.slice(0, space) === series) return Number(line.slice(space + 1));
  }
  return undefined;
}

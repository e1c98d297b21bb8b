// Health check for the ocpsum image, which has no curl: used by the Dockerfile's HEALTHCHECK, the
// compose healthchecks and the Kubernetes probes in infra/base.
//
//   node /app/healthcheck.mjs [PORT] [--live]
//
// Asks http://127.0.0.1:PORT/healthz of the process in this container (PORT: the argument, else
// OCPSUM_METRICS_PORT). Exit 0 when it answers 200 (the process is up and reaches Redis), 1 otherwise.
// --live: any HTTP answer will do — the process is alive even while Redis is away, so a liveness probe
// does not restart every pod when Redis restarts (BullMQ reconnects by itself).
// No port at all (one-shot commands such as `enqueue` or `generate`): nothing to check, exit 0.
// Loopback only, so this works whatever address the metrics server binds to. /healthz needs no auth;
// board credentials, when set, are sent anyway, so a board that guards every path still answers.

const args = process.argv.slice(2);
const live = args.includes('--live');
const port = args.find((a) => a !== '--live') ?? process.env.OCPSUM_METRICS_PORT;
if (!port) process.exit(0);
if (!/^\d{1,5}$/.test(port)) {
  console.error(`healthcheck: "${port}" is not a port number`);
  process.exit(1);
}

const headers = {};
const { OCPSUM_BOARD_USER: user, OCPSUM_BOARD_PASSWORD: password } = process.env;
if (user && password) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { headers, signal: AbortSignal.timeout(4000) });
  const body = (await response.text()).slice(0, 200);
  if (response.status === 200 || live) process.exit(0);
  console.error(`healthcheck: /healthz answered ${response.status}: ${body}`);
} catch (error) {
  console.error(`healthcheck: no answer on 127.0.0.1:${port}: ${error instanceof Error ? error.message : error}`);
}
process.exit(1);

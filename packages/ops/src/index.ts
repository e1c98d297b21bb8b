export { basicAuthChecker, boardCredentialsFromEnv, isLoopback } from './auth.js';
export { createBoard } from './board.js';
export { allEvents, fleetLog } from './fleet-log.js';
export { createLogger, pretty, secretScrubber, type Logger } from './logger.js';
export { FleetMetrics } from './metrics.js';
export { startOpsServer, type OpsServer } from './server.js';

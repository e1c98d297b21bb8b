export { basicAuthChecker, boardCredentialsFromEnv, isLoopback, type Credentials } from './auth.js';
export { createBoard, type Board, type BoardOptions } from './board.js';
export { allEvents, fleetLog } from './fleet-log.js';
export { createLogger, pretty, secretScrubber, type Logger, type LoggerOptions } from './logger.js';
export { FleetMetrics, type QueueCounts } from './metrics.js';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './server.js';

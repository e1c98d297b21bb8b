export { freePort } from './free-port.js';
export { startPostgres, type PostgresServer } from './postgres.js';
export { findExecutable, startChild, stopChild, waitReady, type Child, type RestartOptions } from './processes.js';
export { startRedis, type RedisServer } from './redis.js';
export { startS3, type S3Server } from './s3.js';

export { findExecutable, startChild, stopChild, waitReady, type Child } from '@ocpsum/services';

export type { ObjectInfo, ObjectStore } from './interfaces.js';
export { checkKey } from './keys.js';
export { LocalStore } from './local-store.js';
export { openStore } from './open-store.js';

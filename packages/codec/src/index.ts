export { encodePartial } from './encode.js';
export { decodePartial } from './decode.js';
export { CodecError } from './errors.js';
export { MAGIC, VERSION } from './sections.js';

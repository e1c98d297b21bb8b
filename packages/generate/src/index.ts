export { generateFromManifest } from './manifest.js';
export { generateSynthetic } from './synthetic.js';
export type { GenerateResult } from './writer.js';

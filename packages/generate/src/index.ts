export { generateFromManifest, type ManifestOptions } from './manifest.js';
export { ManifestError } from './manifest-schema.js';
export { generateSynthetic, type SyntheticOptions } from './synthetic.js';
export type { GenerateResult } from './writer.js';

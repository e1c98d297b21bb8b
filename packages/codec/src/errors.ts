/** Raised for data that cannot be encoded, or bytes that are not a readable ocpsum partial. */
export class CodecError extends Error {
  override name = 'CodecError';
}

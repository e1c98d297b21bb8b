/** A problem with the user's input (files, columns, values, flags): shown as is, without a stack. */
export class InputError extends Error {
  override name = 'InputError';
}

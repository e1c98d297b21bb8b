/**
 * A problem with the user's input (files, columns, values, flags, manifests), not with the machinery
 * that reads it. Its message says what is wrong and where (the file and column, for a file), and is
 * shown as is, without a stack. The fleet fails such a job at once: reading the same bytes again
 * gives the same answer, while other failures (S3, Redis, a dying process) are retried.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * A label cell that is not labels (docs/rules.md §5). It cannot say which file or column the cell
 * came from: the reader that knows adds them (the kernel throws an InputError naming both).
 */
export class LabelError extends InputError {
  override name = 'LabelError';
}

/** Object keys are relative, `/`-separated and never climb out of their root. */
export function checkKey(key: string): string {
  if (key.startsWith('/') || key.includes('\\') || key.includes('\0')) {
    throw new Error(`invalid object key "${key}": keys are relative paths with "/" separators`);
  }
  if (key.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new Error(`invalid object key "${key}": "." and ".." segments would leave the root`);
  }
  return key;
}

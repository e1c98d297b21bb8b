/** A URL with its password replaced by `***`, safe to print; anything else comes back unchanged. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:)[^@]*@/i, '$1***@');
  }
}

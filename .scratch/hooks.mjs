export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('/') && !specifier.startsWith('file:')) {
    process.stderr.write(`PKG ${specifier}\n`);
  }
  return r;
}

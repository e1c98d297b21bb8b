/** The one place data meets SQL text: a string literal with quotes doubled. Values go through bind parameters. */
export function sqlString(value: string): string {
  if (value.includes('\0')) throw new Error('SQL string literals cannot hold NUL characters');
  return `'${value.replaceAll("'", "''")}'`;
}

/** An identifier, returned unchanged once validated: identifiers are never quoted from arbitrary input. */
export function validIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`invalid identifier "${name}": use letters, digits and _ (at most 63), not starting with a digit`);
  }
  return name;
}

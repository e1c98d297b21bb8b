/** SQL LIKE over a whole string: `%` any run, `_` one character, everything else literal. */
export function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

/** Picks the max id of the categories whose pattern matches; several matches never multiply rows. */
export class CostCategories {
  private readonly matchers: { id: number; regexp: RegExp }[];
  private readonly cache = new Map<string, number | null>();

  constructor(categories: readonly { id: number; pattern: string }[]) {
    this.matchers = categories.map((c) => ({ id: c.id, regexp: likeToRegExp(c.pattern) }));
  }

  idFor(namespace: string | null): number | null {
    if (namespace === null) return null;
    let id = this.cache.get(namespace);
    if (id === undefined) {
      id = null;
      for (const m of this.matchers) if (m.regexp.test(namespace) && (id === null || m.id > id)) id = m.id;
      this.cache.set(namespace, id);
    }
    return id;
  }
}

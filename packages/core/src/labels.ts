/** The label rule of docs/rules.md §5: parse, filter to enabled keys, merge, write as sorted compact JSON. */
import { LabelError } from './errors.js';

export type Labels = Record<string, string>;

export const ALWAYS_ENABLED_KEY = 'vm_kubevirt_io_name';

/**
 * Parses a label cell: a JSON object of strings, or the operator's pipe form
 * (`label_app:web|label_tier:db`). Empty or null means no labels.
 */
export function parseLabels(raw: string | null): Labels {
  if (raw === null) return {};
  const text = raw.trim();
  if (text === '') return {};
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('"')) return parseJsonLabels(text);
  const labels: Labels = {};
  for (const part of text.split('|')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const key = part.slice(0, colon);
    labels[key.startsWith('label_') ? key.slice('label_'.length) : key] = part.slice(colon + 1);
  }
  return labels;
}

function parseJsonLabels(text: string): Labels {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LabelError(`malformed label JSON ${preview(text)}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LabelError(`labels must be a JSON object of strings, got ${preview(text)}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new LabelError(`label "${key}" must have a string value, got ${JSON.stringify(v)} in ${preview(text)}`);
    }
  }
  return value as Labels;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** Compact JSON with sorted keys: the form a label set takes in group keys and output. */
export function labelsJson(labels: Labels): string {
  const sorted: Labels = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key];
  return JSON.stringify(sorted);
}

/** Keeps only enabled keys (plus the always-enabled one). */
export function filterLabels(labels: Labels, enabled: ReadonlySet<string>): Labels {
  const kept: Labels = {};
  for (const [key, value] of Object.entries(labels)) {
    if (enabled.has(key) || key === ALWAYS_ENABLED_KEY) kept[key] = value;
  }
  return kept;
}

/** Merges label JSON strings; a later one wins on the same key. */
export function mergeLabelJson(...sets: (string | null)[]): string {
  const merged: Labels = {};
  for (const set of sets) if (set) Object.assign(merged, JSON.parse(set) as Labels);
  return labelsJson(merged);
}

/**
 * Normalizes raw label cells to filtered, sorted compact JSON, once per distinct string:
 * label work scales with distinct strings, not rows. The cache holds up to `cacheSize`
 * strings and starts over when full, so a long-lived worker's memory stays bounded.
 */
export class LabelNormalizer {
  private readonly enabled: ReadonlySet<string>;
  private readonly cache = new Map<string, string>();

  constructor(
    enabledKeys: readonly string[],
    private readonly cacheSize = 200_000,
  ) {
    this.enabled = new Set(enabledKeys);
  }

  normalize(raw: string | null): string {
    if (raw === null) return '{}';
    let json = this.cache.get(raw);
    if (json === undefined) {
      json = labelsJson(filterLabels(parseLabels(raw), this.enabled));
      if (this.cache.size >= this.cacheSize) this.cache.clear();
      this.cache.set(raw, json);
    }
    return json;
  }
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Reference } from '@ocpsum/core';

/** The reference file as people write it: koku's snake_case names. */
const referenceFile = z.strictObject({
  enabled_keys: z.array(z.string().min(1)).default([]),
  cost_categories: z.array(z.strictObject({ id: z.number().int(), pattern: z.string().min(1) })).default([]),
  node_roles: z
    .array(
      z.strictObject({ node: z.string().min(1), resource_id: z.string(), role: z.enum(['master', 'infra', 'worker']) }),
    )
    .default([]),
});

/** Reads enabled label keys, cost categories and node roles from a YAML or JSON file. */
export async function loadReference(path: string): Promise<Reference> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read reference file ${path}: ${(error as Error).message}`);
  }
  // Loaded here, not with the command: a run without a reference file does not load it at start.
  const { parse } = await import('yaml');
  let data: unknown;
  try {
    data = parse(text) ?? {};
  } catch (error) {
    throw new Error(`reference file ${path} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = referenceFile.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new Error(`reference file ${path}: ${problems}`);
  }
  return {
    enabledKeys: parsed.data.enabled_keys,
    costCategories: parsed.data.cost_categories,
    nodeRoles: parsed.data.node_roles.map((r) => ({ node: r.node, resourceId: r.resource_id, role: r.role })),
  };
}

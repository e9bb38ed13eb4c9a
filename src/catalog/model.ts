import { z } from 'zod';

/*
 * Shapes of the two data files auditors review: the SOC 2 catalog and the finding → criterion
 * mapping (src/catalog/data/*.yml). Validated on load so a bad edit fails loudly, naming the row.
 */

export const CATEGORY_IDS = [
  'security',
  'availability',
  'confidentiality',
  'processing-integrity',
  'privacy',
] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];

export const catalogSchema = z.strictObject({
  version: z.string(),
  categories: z.array(z.strictObject({ id: z.enum(CATEGORY_IDS), title: z.string().min(1) })),
  groups: z.array(z.strictObject({ id: z.string().min(1), title: z.string().min(1) })),
  criteria: z.array(
    z.strictObject({
      id: z.string().regex(/^(CC|A|C|PI|P)\d+\.\d+$/),
      category: z.enum(CATEGORY_IDS),
      group: z.string().min(1),
      title: z.string().min(1).max(90),
      /** process: an organisational control no scanner evidences; technical: scanning can. */
      signal: z.enum(['process', 'technical']),
    }),
  ),
});
export type Catalog = z.infer<typeof catalogSchema>;
export type Criterion = Catalog['criteria'][number];

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const mappingRowSchema = z.strictObject({
  tool: z.string().min(1).optional(),
  rule: z.string().min(1).optional(),
  cwe: stringOrList.optional(),
  category: z.string().min(1).optional(),
  owasp: z
    .string()
    .regex(/^A\d{2}$/)
    .optional(),
  tag: z.string().min(1).optional(),
  criteria: z.array(z.string()).min(1).optional(),
  advisory: z.literal(true).optional(),
  rationale: z.string().min(1),
});
export type MappingRow = z.infer<typeof mappingRowSchema>;

export const mappingSchema = z.strictObject({
  version: z.string(),
  coverage: z.record(z.string(), z.array(z.string())),
  cweParents: z.record(z.string().regex(/^CWE-\d+$/), z.string().regex(/^CWE-\d+$/)).default({}),
  /**
   * Rules of different tools that report one weakness although their CWEs do not say so (Bandit files
   * `eval` under CWE-78, Semgrep under CWE-95): at the same place, their findings are one problem.
   */
  sameProblem: z
    .array(
      z.strictObject({
        /** Two or more `tool:rule` patterns (`*` = any characters in the rule). */
        rules: z.array(z.string().regex(/^[a-z][a-z0-9-]*:.+$/, 'tool:rule, e.g. bandit:B307')).min(2),
        rationale: z.string().min(1),
      }),
    )
    .default([]),
  layers: z.array(
    z.strictObject({
      id: z.string().min(1),
      title: z.string().min(1),
      rows: z.array(mappingRowSchema),
    }),
  ),
});
export type Mapping = z.infer<typeof mappingSchema>;

/** Points of focus per criterion (src/catalog/data/points-of-focus.yml), in the project's own words. */
export const pointsOfFocusSchema = z.strictObject({
  version: z.string(),
  /** The OSCAL catalog's last-modified: a fixed date keeps the generated catalog reproducible. */
  updated: z.iso.datetime(),
  /** The point that controlgate's gate on changes evidences (1-based). */
  gate: z.strictObject({ criterion: z.string(), point: z.number().int().positive() }),
  points: z.record(z.string().regex(/^(CC|A|C|PI|P)\d+\.\d+$/), z.array(z.string().min(1).max(160)).min(1)),
});
export type PointsOfFocus = z.infer<typeof pointsOfFocusSchema>;

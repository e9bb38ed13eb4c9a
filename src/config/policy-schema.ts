import picomatch from 'picomatch';
import { z } from 'zod';
import { loadCatalog } from '../catalog/data-files.ts';
import { SEVERITIES } from '../findings/finding.ts';
import { globCostProblem } from '../glob.ts';

/*
 * The SOC 2 parts of `.controlgate.yml`: scope, policy and mapping overrides. Criterion ids are
 * checked against the catalog data, so a typo such as `CC61` is an error naming the key. The catalog
 * is read from catalog/, which sits below config/; controls/ sits above, as it evaluates the config.
 */

const catalog = loadCatalog().data;
export const CRITERION_IDS: readonly string[] = catalog.criteria.map((c) => c.id);
export const GROUP_IDS: readonly string[] = catalog.groups.map((g) => g.id);
const KNOWN_IDS = new Set([...CRITERION_IDS, ...GROUP_IDS]);

/**
 * Rejects globs picomatch cannot compile strictly (an unclosed bracket would silently match
 * literally) and globs too costly to match (see globCostProblem).
 */
export const globString = z
  .string()
  .min(1)
  .superRefine((glob, ctx) => {
    const problem = globCostProblem(glob);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, abort: true });
  })
  .refine(
    (glob) => {
      try {
        picomatch.makeRe(glob, { strictBrackets: true, dot: true });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid glob (unbalanced brackets, braces or parentheses)' },
  );

export const criterionId = z.enum(CRITERION_IDS as [string, ...string[]]);
const severity = z.enum(SEVERITIES);
const mode = z.enum(['block', 'warn']);
const unevaluated = z.enum(['block', 'allow']);

const criterionPolicy = z.strictObject({
  /** block: a failing criterion blocks the merge; warn: it is reported only. */
  mode: mode.optional(),
  /** The lowest severity that fails the criterion. */
  severity: severity.optional(),
  /** What a failed or missing scanner covering the criterion means: block (fail closed) or allow. */
  unevaluated: unevaluated.optional(),
});
export type CriterionPolicy = z.infer<typeof criterionPolicy>;

export const policySchema = z
  .object({
    mode: mode.default('block'),
    severity: severity.default('high'),
    unevaluated: unevaluated.default('block'),
    /** honour: nosec / nosemgrep / KICS ignore comments suppress; refuse: not for blocking criteria. */
    inSourceSuppressions: z.enum(['honour', 'refuse']).default('honour'),
    /**
     * Suppressions the change itself writes (a nosec, nosemgrep or kics-scan comment it adds, one over
     * code it adds, an external one in --sarif input). refuse: they do not unblock a finding of a
     * blocking criterion, because nobody reviewed them on the base branch; a waiver is the way.
     */
    newSuppressions: z.enum(['honour', 'refuse']).default('refuse'),
  })
  .catchall(criterionPolicy)
  .superRefine((policy, ctx) => {
    for (const key of Object.keys(policy)) {
      if (['mode', 'severity', 'unevaluated', 'inSourceSuppressions', 'newSuppressions'].includes(key))
        continue;
      if (!KNOWN_IDS.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown criterion or group id "${key}"; expected a SOC 2 id such as CC6.1 or a group such as CC6`,
        });
      }
    }
  });
export type Policy = z.infer<typeof policySchema>;

const cweId = z.string().regex(/^CWE-\d+$/, 'expected a CWE id such as CWE-89');

export const mappingOverrideSchema = z
  .strictObject({
    match: z
      .strictObject({
        tool: z.string().min(1).optional(),
        rule: globString.optional(),
        cwe: z.union([cweId, z.array(cweId).min(1)]).optional(),
        category: z.string().min(1).optional(),
        tag: z.string().min(1).optional(),
      })
      .refine((m) => Object.keys(m).length > 0, {
        message: 'match needs at least one of tool, rule, cwe, category, tag',
      }),
    set: z.array(criterionId).optional(),
    add: z.array(criterionId).optional(),
    remove: z.array(criterionId).optional(),
    advisory: z.boolean().optional(),
    severity: severity.optional(),
    raise: z.number().int().min(1).max(4).optional(),
    lower: z.number().int().min(1).max(4).optional(),
    reason: z.string().optional(),
  })
  .refine(
    (o) => [o.set, o.add, o.remove, o.advisory, o.severity, o.raise, o.lower].some((v) => v !== undefined),
    {
      message: 'an override needs at least one of set, add, remove, advisory, severity, raise, lower',
    },
  );
export type MappingOverride = z.infer<typeof mappingOverrideSchema>;

export const OPT_IN_CATEGORIES = [
  'availability',
  'confidentiality',
  'processing-integrity',
  'privacy',
] as const;

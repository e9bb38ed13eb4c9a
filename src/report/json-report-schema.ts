import { z } from 'zod';
import { ReportError } from '../errors.ts';
import { SEVERITIES } from '../findings/finding.ts';
import { jsonPath } from '../sarif/read.ts';

/*
 * The JSON report (`controlgate.json`, `--format json`) as a declared contract. json-report.ts builds
 * it; everything that reads one back (the evidence summary, the fork-safe comment poster, users'
 * scripts) parses it with this schema. The builder's inferred type is checked to be this very type
 * (json-report.ts), so a field added there and not here, or typed differently, fails to compile.
 *
 * Objects are plain z.object: keys a newer controlgate adds are dropped on reading, never refused
 * ("fields may be added, never renamed or removed").
 */

const count = z.number().int().nonnegative();
const severity = z.enum(SEVERITIES);
const verdict = z.enum(['pass', 'fail', 'warn', 'not-evaluated', 'not-covered', 'out-of-scope']);
const scannerStatus = z.enum(['ok', 'failed', 'skipped']);
const scope = z.enum(['changed-files', 'all-files']);

const dataFile = z.object({ version: z.string(), sha256: z.string() });

const waiverFacts = {
  id: z.string().nullable(),
  fingerprint: z.string().nullable(),
  scanner: z.string().nullable(),
  rule: z.string().nullable(),
  path: z.string().nullable(),
  reason: z.string(),
  approver: z.string(),
  ticket: z.string(),
  /** YYYY-MM-DD. */
  expires: z.string(),
  /** 1-based line of the waiver in its file. */
  line: z.number(),
};

const control = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  verdict,
  /** Fingerprints of the findings that fail (or warn) the criterion. */
  findings: z.array(z.string()),
  mode: z.enum(['block', 'warn']),
  severity,
  policySource: z.string(),
  blocking: z.boolean(),
  coveredBy: z.array(z.string()),
  failedScanners: z.array(z.string()),
  belowThreshold: z.array(z.string()),
  existing: z.array(z.string()),
  waived: z.array(z.string()),
  suppressed: z.array(z.string()),
});

const scanner = z.object({
  id: z.string(),
  name: z.string(),
  status: scannerStatus,
  version: z.string().nullable(),
  findings: count,
  error: z.string().nullable(),
  filesScanned: count,
  durationMs: z.number(),
  exitCode: z.number().int().nullable(),
  sarifPath: z.string().nullable(),
  /** Only for a failed scanner that wrote to stderr. */
  stderrTail: z.string().optional(),
  /** Files it was given but could not judge (unparsable, a rule timed out), with the tool's reason. */
  unjudged: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
});

const suppression = z.object({
  kind: z.enum(['inSource', 'external']),
  status: z.enum(['accepted', 'underReview', 'rejected']),
  justification: z.string().optional(),
  /** The line of an in-source suppression's comment. */
  line: z.number().optional(),
  /** The file holding it, when not the finding's own (`.gitleaksignore`). */
  file: z.string().optional(),
  /** On a change: whether the change wrote it (never reviewed on the base branch). */
  addedByChange: z.boolean().optional(),
});

const finding = z.object({
  scanner: z.string(),
  scannerVersion: z.string(),
  ruleId: z.string(),
  ruleName: z.string().nullable(),
  /** After mapping overrides: the severity the gate compared. */
  severity,
  scannerSeverity: severity,
  severitySource: z.enum(['security-severity', 'tool-property', 'level', 'rule-default', 'fallback']),
  criteria: z.array(z.string()),
  advisory: z.boolean(),
  unmapped: z.boolean(),
  mappingLayer: z.string().nullable(),
  /**
   * The rows of the shipped mapping (src/catalog/data/mapping.yml, also in the evidence's inputs/)
   * that decided, as layer id and 0-based index in that layer; then the indexes of the
   * configuration's `mapping` overrides that applied, in order. Optional: older reports lack them.
   */
  mappingRows: z.array(z.object({ layer: z.string(), index: z.number().int().nonnegative() })).optional(),
  mappingOverrides: z.array(z.number().int().nonnegative()).optional(),
  /** The waiver's id, or `line N` for one without an id. */
  waiver: z.string().nullable(),
  suppressionRefused: z.boolean(),
  cwe: z.array(z.string()),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  path: z.string(),
  inWorkspace: z.boolean(),
  line: z.number(),
  endLine: z.number(),
  column: z.number().nullable(),
  fingerprint: z.string(),
  message: z.string(),
  snippet: z.string().nullable(),
  suppressed: z.boolean(),
  suppressions: z.array(suppression),
  secret: z.boolean(),
  helpUri: z.string().nullable(),
  /**
   * The tool's fix: a region of the file (1-based, end column exclusive) and its replacement; null
   * when the tool proposes none. Optional: older reports lack it.
   */
  fix: z
    .object({
      startLine: z.number().int().positive(),
      startColumn: z.number().int().positive(),
      endLine: z.number().int().positive(),
      endColumn: z.number().int().positive(),
      text: z.string(),
      description: z.string().optional(),
    })
    .nullable()
    .optional(),
  /** new / unchanged when the scan was compared with a base; null when it was not. */
  baselineState: z.enum(['new', 'unchanged', 'fixed']).nullable(),
});

/** Another tool's finding merged into a problem: as it was reported, with its own mapping. */
const source = finding.omit({ waiver: true, suppressionRefused: true });

/**
 * One problem: its main finding's fields (for a merged problem, the comparison with the base and the
 * suppression state are the problem's), and the other tools' findings merged into it.
 */
const problem = finding.extend({
  /**
   * A merged problem: every tool's finding of it as the tool reported it, the main one first (the
   * fields above carry the problem's suppression and comparison state); absent for one tool's finding.
   */
  sources: z.array(source).optional(),
});

const baseline = z.object({
  status: z.enum(['compared', 'unavailable']),
  reason: z.string().nullable(),
  mode: z.enum(['diff', 'full']),
  judged: z.enum(['new', 'all']),
  source: z.enum(['worktree', 'bundle']),
  /** changed-files when any scanner saw only the change's files (such a run cannot serve as a baseline). */
  scope,
  baseRef: z.string().nullable(),
  baseSha: z.string().nullable(),
  mergeBase: z.string().nullable(),
  headSha: z.string().nullable(),
  bundle: z.object({ location: z.string(), digest: z.string() }).nullable(),
  counts: z.object({ new: count, unchanged: count, fixed: count }),
  /** The configuration and waiver files this change adds, edits, renames or deletes. */
  policyChanged: z.array(z.string()),
  changedFiles: z.array(
    z.object({
      status: z.enum(['added', 'modified', 'renamed', 'deleted']),
      path: z.string(),
      oldPath: z.string().nullable(),
    }),
  ),
  scanners: z.array(
    z.object({
      id: z.string(),
      scope,
      compared: z.boolean(),
      reason: z.string().nullable(),
      baseStatus: scannerStatus.nullable(),
      baseFilesScanned: count.nullable(),
      baseDurationMs: z.number().nullable(),
    }),
  ),
});

const fixed = z.object({
  scanner: z.string(),
  ruleId: z.string(),
  ruleName: z.string().nullable(),
  severity,
  criteria: z.array(z.string()),
  cwe: z.array(z.string()),
  path: z.string(),
  line: z.number(),
  endLine: z.number(),
  fingerprint: z.string(),
  message: z.string(),
  snippet: z.string().nullable(),
  secret: z.boolean(),
  baselineState: z.literal('fixed'),
});

/** A fixed problem: its main finding, and, when tools merged, every tool's finding of it (the main one first). */
const fixedProblem = fixed.extend({ sources: z.array(fixed).optional() });

const policyFile = z.object({ file: z.string(), sha256: z.string() });

/** Where the rules that judged the run came from, and what the change proposes to change in them. */
const policy = z.object({
  source: z.enum(['base', 'worktree', 'head']),
  commit: z.string().nullable(),
  unverified: z.string().nullable(),
  config: policyFile.nullable(),
  waivers: policyFile.nullable(),
  proposed: z
    .object({
      invalid: z.string().nullable(),
      changes: z.array(
        z.object({
          key: z.string(),
          change: z.enum(['added', 'removed', 'changed', 'extended']),
          before: z.string().optional(),
          after: z.string().optional(),
        }),
      ),
    })
    .nullable(),
});

/** One path of the coverage ledger (src/coverage/ledger.ts). */
const coverageEntry = z.object({
  path: z.string(),
  kind: z.enum(['file', 'symlink', 'folder', 'unreadable-name', 'submodule', 'missing']),
  state: z.enum(['judged', 'not-judged', 'not-scanned']),
  judgedBy: z.array(z.string()),
  notJudgedBy: z.array(z.object({ scanner: z.string(), reason: z.string() })).optional(),
  notScanned: z.enum(['excluded', 'no-scanner', 'link', 'submodule', 'missing']).optional(),
  note: z.string().optional(),
});

/** Per file in scope, which scanners judged it and why any that applies did not. */
const coverage = z.object({
  scope,
  counts: z.object({ judged: count, 'not-judged': count, 'not-scanned': count }),
  files: z.array(coverageEntry),
});

export const jsonReportSchema = z.object({
  tool: z.object({ name: z.literal('controlgate'), version: z.string() }),
  schemaVersion: z.literal(1),
  root: z.string(),
  target: z.string(),
  configFile: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** False when a scanner failed or left files unjudged: some criteria could not be evaluated. */
  evaluated: z.boolean(),
  summary: z.object({
    /** What the tools reported, one for one. */
    findings: count,
    /** Distinct problems after merging the tools' findings of one weakness at one place (`findings[]`); absent in older reports. */
    problems: count.optional(),
    suppressed: count,
    bySeverity: z.record(severity, count),
  }),
  decision: z.enum(['pass', 'block']),
  exitCode: z.literal([0, 1, 2]),
  verdicts: z.record(verdict, count),
  data: z.object({ catalog: dataFile, mapping: dataFile, waiversFile: z.string().nullable() }),
  policy,
  controls: z.array(control),
  waivers: z.object({
    applied: z.array(z.object({ ...waiverFacts, findings: z.array(z.string()) })),
    expired: z.array(z.object({ ...waiverFacts, wouldMatch: z.array(z.string()) })),
    stale: z.array(z.object(waiverFacts)),
  }),
  scanners: z.array(scanner),
  findings: z.array(problem),
  /** How the scan was compared with its base; null when it was not. */
  baseline: baseline.nullable(),
  /** Findings at the base that the change removed (empty without a comparison). */
  fixed: z.array(fixedProblem),
  /** The coverage ledger; absent in reports written before it existed. */
  coverage: coverage.optional(),
});

/** The coverage ledger as the JSON report carries it. */
export type JsonCoverage = z.infer<typeof coverage>;

/** The `--format json` document and `controlgate.json`. */
export type JsonReport = z.infer<typeof jsonReportSchema>;

/**
 * Reads a JSON report back (from an evidence bundle, an artifact, a file a user gives): a report
 * that is not JSON or not of this shape is a ReportError naming `file` and the first problem's path.
 */
export function parseJsonReport(text: string, file: string): JsonReport {
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ReportError(file, [text.trim() === '' ? 'the file is empty' : `invalid JSON (${detail})`]);
  }
  const parsed = jsonReportSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues;
  const problem = first ? `${jsonPath(first.path)}: ${first.message}` : 'does not match the report schema';
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})`;
  throw new ReportError(file, [`${problem}${more}`]);
}

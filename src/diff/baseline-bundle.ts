import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { BundleLimits } from '../bundle/limits.ts';
import { readBundle, verifyFiles } from '../bundle/verify.ts';
import { BundleError, quoteForMessage, UsageError } from '../errors.ts';
import { type Finding, SEVERITIES } from '../findings/finding.ts';

/*
 * An earlier run's evidence bundle as the baseline (e.g. the default branch's last artifact). Only
 * the fields matching needs are read from its controlgate.json; the bundle must verify first, so a
 * tampered or truncated artifact cannot quietly turn new problems into "existing" ones. It is read
 * within the bundle limits (src/bundle/limits.ts), and it must come from the repository being
 * scanned: another repository's findings would make this one's look existing.
 */

const bundleFinding = z.looseObject({
  scanner: z.string(),
  scannerVersion: z.string().default('unknown'),
  ruleId: z.string(),
  ruleName: z.string().nullable().default(null),
  scannerSeverity: z.enum(SEVERITIES),
  cwe: z.array(z.string()).default(() => []),
  category: z.string().nullable().default(null),
  tags: z.array(z.string()).default(() => []),
  path: z.string(),
  inWorkspace: z.boolean().default(true),
  line: z.number().int(),
  endLine: z.number().int(),
  fingerprint: z.string(),
  message: z.string(),
  snippet: z.string().nullable().default(null),
  suppressed: z.boolean().default(false),
  secret: z.boolean().default(false),
  baselineState: z.enum(['new', 'unchanged']).nullable().optional(),
});

/** A problem: its main finding, and the other tools' findings merged into it (absent in older bundles). */
const bundleProblem = bundleFinding.extend({ sources: z.array(bundleFinding).optional() });

const bundleReport = z.looseObject({
  scanners: z.array(z.looseObject({ id: z.string(), status: z.enum(['ok', 'failed', 'skipped']) })),
  findings: z.array(bundleProblem),
  baseline: z
    .looseObject({ scope: z.enum(['changed-files', 'all-files']).optional() })
    .nullable()
    .optional(),
});

export interface BaselineBundle {
  location: string;
  digest: string;
  /** Scanner id → how it ended in that run; only `ok` and `skipped` runs can be compared with. */
  scanners: Map<string, 'ok' | 'failed' | 'skipped'>;
  findings: Finding[];
}

export interface BaselineBundleOptions {
  /**
   * "owner/name" of the repository this run scans, when known (CI says it): a bundle whose run.json
   * names another repository is refused. A bundle or a run that does not name one is not checked.
   */
  expectedRepository?: string;
  /** Lower limits than the bundle readers' own, for tests. */
  limits?: Readonly<BundleLimits>;
}

/** The repository a bundle's run.json names, or null when it names none. */
function bundleRepository(location: string, raw: Uint8Array | undefined): string | null {
  if (!raw) return null;
  let run: unknown;
  try {
    run = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw new BundleError(location, 'run.json is not valid JSON', '--baseline');
  }
  const repository =
    typeof run === 'object' && run !== null ? (run as { repository?: unknown }).repository : null;
  return typeof repository === 'string' && repository !== '' ? repository : null;
}

/** Reads and verifies an evidence bundle (folder or zip) for use as a baseline. */
export async function readBaselineBundle(
  location: string,
  options: BaselineBundleOptions = {},
): Promise<BaselineBundle> {
  if (!existsSync(location)) throw new UsageError(`--baseline: no evidence bundle at ${location}`);
  let files: Map<string, Uint8Array>;
  try {
    files = await readBundle(location, options.limits);
  } catch (error) {
    if (error instanceof BundleError) throw new BundleError(location, error.problem, '--baseline');
    throw error;
  }
  const verified = verifyFiles(files);
  if (!verified.ok)
    throw new UsageError(
      `--baseline ${location}: the evidence bundle does not verify (${verified.problems.slice(0, 3).join('; ')})`,
    );
  const repository = bundleRepository(location, files.get('run.json'));
  const expected = options.expectedRepository;
  // GitHub and GitLab name a repository case-insensitively: Owner/App and owner/app are one.
  if (expected && repository && repository.toLowerCase() !== expected.toLowerCase())
    throw new BundleError(
      location,
      `it was written by a run of ${quoteForMessage(repository)} (its run.json), not of ${quoteForMessage(expected)}, the repository this run scans; use a bundle from this repository's own runs`,
      '--baseline',
    );
  const raw = files.get('controlgate.json');
  if (!raw) throw new UsageError(`--baseline ${location}: controlgate.json is missing from the bundle`);
  let parsed: z.infer<typeof bundleReport>;
  try {
    parsed = bundleReport.parse(JSON.parse(new TextDecoder().decode(raw)));
  } catch (error) {
    const detail =
      error instanceof z.ZodError
        ? error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
            .join('; ')
        : error instanceof Error
          ? error.message
          : String(error);
    throw new UsageError(`--baseline ${location}: controlgate.json is not a controlgate report (${detail})`);
  }
  if (parsed.baseline?.scope === 'changed-files')
    throw new UsageError(
      `--baseline ${location}: that run scanned only a change's files, so it cannot stand for the base; use a full scan's bundle (a push to the default branch)`,
    );
  return {
    location,
    digest: verified.digest ?? '',
    scanners: new Map(parsed.scanners.map((s) => [s.id, s.status])),
    // Every tool's finding, one for one: a problem two tools found at the base is two findings to pair.
    findings: parsed.findings
      .flatMap(({ sources, ...f }) => (sources?.length ? sources : [f]))
      .map(
        (f, resultIndex): Finding => ({
          scanner: f.scanner,
          scannerVersion: f.scannerVersion,
          ruleId: f.ruleId,
          ...(f.ruleName ? { ruleName: f.ruleName } : {}),
          message: f.message,
          severity: f.scannerSeverity,
          severitySource: 'fallback',
          cwe: f.cwe,
          ...(f.category ? { category: f.category } : {}),
          tags: f.tags,
          path: f.path,
          inWorkspace: f.inWorkspace,
          line: f.line,
          endLine: f.endLine,
          ...(f.snippet !== null ? { snippet: f.snippet } : {}),
          suppressed: f.suppressed,
          suppressions: [],
          fingerprint: f.fingerprint,
          secret: f.secret,
          resultIndex,
        }),
      ),
  };
}

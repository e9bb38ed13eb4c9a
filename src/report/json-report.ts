import path from 'node:path';
import { CONFIG_FILE_NAMES } from '../config/load.ts';
import type { GatedSource, Verdict } from '../controls/evaluate.ts';
import type { ChangeSet } from '../diff/change-set.ts';
import { type Finding, SEVERITIES, type Severity } from '../findings/finding.ts';
import { DEFAULT_WAIVERS_FILE, type Waiver } from '../findings/waivers.ts';
import { toPosix } from '../paths.ts';
import type { ScanOutcome } from '../pipeline/scan.ts';
import { CONTROLGATE_VERSION } from '../version.ts';
import type { JsonCoverage, JsonReport } from './json-report-schema.ts';

type ReportFinding = JsonReport['findings'][number];

/** Counts of unsuppressed findings per severity. */
export function countBySeverity(outcome: Pick<ScanOutcome, 'gate'>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  // The severity the gate judged (after mapping overrides), as findings[].severity reports it.
  for (const g of outcome.gate.findings) if (!g.finding.suppressed) counts[g.severity] += 1;
  return counts;
}

/** How many criteria got each verdict. */
export function countVerdicts(outcome: Pick<ScanOutcome, 'gate'>): Record<Verdict, number> {
  const counts: Record<Verdict, number> = {
    pass: 0,
    fail: 0,
    warn: 0,
    'not-evaluated': 0,
    'not-covered': 0,
    'out-of-scope': 0,
  };
  for (const c of outcome.gate.controls) counts[c.verdict] += 1;
  return counts;
}

function waiverFacts(w: Waiver) {
  return {
    id: w.id ?? null,
    fingerprint: w.fingerprint ?? null,
    scanner: w.scanner ?? null,
    rule: w.rule ?? null,
    path: w.path ?? null,
    reason: w.reason,
    approver: w.approver,
    ticket: w.ticket,
    expires: w.expires,
    line: w.line,
  };
}

/** Each applied waiver with the problems it waived, by the fingerprints `findings[]` lists them under. */
function groupApplied(outcome: ScanOutcome): Map<Waiver, string[]> {
  const problemOf = new Map<string, string>();
  for (const g of outcome.gate.findings)
    for (const s of g.sources) problemOf.set(s.finding.fingerprint, g.finding.fingerprint);
  const byWaiver = new Map<Waiver, Set<string>>();
  for (const [fingerprint, waiver] of outcome.gate.waivers.applied) {
    const set = byWaiver.get(waiver) ?? new Set<string>();
    set.add(problemOf.get(fingerprint) ?? fingerprint);
    byWaiver.set(waiver, set);
  }
  return new Map([...byWaiver].map(([w, fps]) => [w, [...fps]]));
}

/**
 * The `--format json` document (declared in json-report-schema.ts). Its fields are a contract later
 * stages and users' scripts rely on: fields may be added, never renamed or removed.
 */
export function jsonReport(outcome: ScanOutcome): JsonReport {
  // Several outputs (stdout, evidence, the comment) read it: built once per outcome.
  const cached = reports.get(outcome);
  if (cached) return cached;
  const report = buildReport(outcome);
  reports.set(outcome, report);
  return report;
}

const reports = new WeakMap<ScanOutcome, JsonReport>();

function buildReport(outcome: ScanOutcome) {
  return {
    tool: { name: 'controlgate' as const, version: CONTROLGATE_VERSION },
    schemaVersion: 1 as const,
    root: outcome.root,
    target: toPosix(path.relative(outcome.root, outcome.target)) || '.',
    configFile: outcome.configFile ? toPosix(path.relative(outcome.root, outcome.configFile)) : null,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    evaluated: outcome.scanners.every((s) => s.status !== 'failed' && !s.unjudged?.length),
    summary: {
      findings: outcome.findings.length,
      ...({ problems: outcome.gate.findings.length } as Pick<JsonReport['summary'], 'problems'>),
      suppressed: outcome.findings.filter((f) => f.suppressed).length,
      bySeverity: countBySeverity(outcome),
    },
    decision: outcome.gate.decision,
    exitCode: outcome.gate.exitCode,
    verdicts: countVerdicts(outcome),
    data: {
      catalog: { version: outcome.data.catalog.version, sha256: outcome.data.catalog.sha256 },
      mapping: { version: outcome.data.mapping.version, sha256: outcome.data.mapping.sha256 },
      waiversFile: outcome.data.waiversFile
        ? toPosix(path.relative(outcome.root, outcome.data.waiversFile))
        : null,
    },
    policy: outcome.policy,
    controls: outcome.gate.controls.map((c) => ({
      id: c.id,
      title: c.title,
      category: c.category,
      verdict: c.verdict,
      findings: c.findings,
      mode: c.policy.mode,
      severity: c.policy.severity,
      policySource: c.policy.source,
      blocking: c.blocking,
      coveredBy: c.coveredBy,
      failedScanners: c.failedScanners,
      belowThreshold: c.belowThreshold,
      existing: c.existing,
      waived: c.waived,
      suppressed: c.suppressed,
    })),
    waivers: {
      applied: [...groupApplied(outcome)].map(([waiver, findings]) => ({ ...waiverFacts(waiver), findings })),
      expired: outcome.gate.waivers.expired.map((e) => ({ ...waiverFacts(e.waiver), wouldMatch: e.matched })),
      stale: outcome.gate.waivers.stale.map(waiverFacts),
    },
    scanners: outcome.scanners.map((s) => ({
      id: s.id,
      name: s.displayName,
      status: s.status,
      version: s.version ?? null,
      findings: s.findings.length,
      error: s.error ?? null,
      filesScanned: s.filesScanned,
      durationMs: s.durationMs,
      exitCode: s.exitCode ?? null,
      sarifPath: outcome.outDirIsTemporary ? null : (s.sarifPath ?? null),
      ...(s.stderrTail && s.status === 'failed' ? { stderrTail: s.stderrTail } : {}),
      ...(s.unjudged?.length ? { unjudged: s.unjudged } : {}),
    })),
    findings: outcome.gate.findings.map((g) => ({
      ...sourceFacts(g),
      mappingLayer: g.mapping.layer ?? null,
      waiver: g.waiver ? (g.waiver.id ?? `line ${g.waiver.line}`) : null,
      suppressionRefused: g.suppressionRefused,
      ...((g.sources.length > 0
        ? { sources: g.sources.map((s) => ({ ...sourceFacts(s), mappingLayer: s.mapping.layer ?? null })) }
        : {}) as Pick<ReportFinding, 'sources'>),
    })),
    baseline: baselineFacts(outcome),
    /** Findings at the base that the change removed (empty without a comparison). */
    fixed: (outcome.baseline?.fixedProblems ?? []).map((group) => ({
      ...fixedFacts(outcome, group[0] as Finding),
      ...((group.length > 1 ? { sources: group.map((o) => fixedFacts(outcome, o)) } : {}) as Pick<
        JsonReport['fixed'][number],
        'sources'
      >),
    })),
    // Optional in the schema only so that reports written before the ledger still read back.
    ...(coverageFacts(outcome) as Pick<JsonReport, 'coverage'>),
  };
}

/** A finding at the base the change removed. */
function fixedFacts(outcome: ScanOutcome, f: Finding) {
  return {
    scanner: f.scanner,
    ruleId: f.ruleId,
    ruleName: f.ruleName ?? null,
    severity: f.severity,
    criteria: outcome.baseline?.fixedCriteria.get(f) ?? [],
    cwe: f.cwe,
    path: f.path,
    line: f.line,
    endLine: f.endLine,
    fingerprint: f.fingerprint,
    message: f.message,
    snippet: f.snippet ?? null,
    secret: f.secret,
    baselineState: 'fixed' as const,
  };
}

/** One tool's finding as the report lists it, with what the mapping and overrides made of it. */
function sourceFacts(g: GatedSource) {
  const f = g.finding;
  return {
    scanner: f.scanner,
    scannerVersion: f.scannerVersion,
    ruleId: f.ruleId,
    ruleName: f.ruleName ?? null,
    /** After mapping overrides: the severity the gate compared. */
    severity: g.severity,
    scannerSeverity: f.severity,
    severitySource: f.severitySource,
    criteria: g.criteria,
    advisory: g.advisory,
    unmapped: g.unmapped,
    // Optional in the schema (older reports lack them); always written now.
    ...(mappingFacts(g) as Pick<ReportFinding, 'mappingRows' | 'mappingOverrides'>),
    cwe: f.cwe,
    category: f.category ?? null,
    tags: f.tags,
    path: f.path,
    inWorkspace: f.inWorkspace,
    line: f.line,
    endLine: f.endLine,
    column: f.column ?? null,
    fingerprint: f.fingerprint,
    message: f.message,
    snippet: f.snippet ?? null,
    suppressed: f.suppressed,
    suppressions: f.suppressions,
    secret: f.secret,
    helpUri: f.helpUri ?? null,
    // Optional in the schema (older reports lack it); always written now, never for a secret.
    ...({ fix: f.fix && !f.secret ? f.fix : null } as Pick<ReportFinding, 'fix'>),
    /** new / unchanged when the scan was compared with a base; null when it was not. */
    baselineState: f.baselineState ?? null,
  };
}

/** Which mapping rows and configuration overrides decided a finding's criteria. */
function mappingFacts(
  g: Pick<GatedSource, 'mapping' | 'overrides'>,
): Required<Pick<ReportFinding, 'mappingRows' | 'mappingOverrides'>> {
  return {
    mappingRows: g.mapping.rows.map((r) => ({ layer: r.layer, index: r.index })),
    mappingOverrides: g.overrides,
  };
}

function coverageFacts(outcome: ScanOutcome): { coverage: JsonCoverage } {
  const { scope, counts, entries } = outcome.coverage;
  return { coverage: { scope, counts, files: entries } };
}

/** A path inside the repository stays relative; one outside it (a runner's temp folder) keeps only its name. */
function portableLocation(root: string, location: string): string {
  const rel = path.relative(root, location);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? toPosix(rel) : path.basename(location);
}

/**
 * The change's paths (repository-relative) that are the gate's own policy: the configuration file in
 * use or where one would be found, and the waiver file. A pull request can weaken the gate through
 * them, so reviewers are told.
 */
function policyFilesChanged(outcome: ScanOutcome, set: ChangeSet): string[] {
  const candidates = [
    ...(outcome.configFile ? [outcome.configFile] : []),
    ...CONFIG_FILE_NAMES.map((name) => path.join(outcome.root, name)),
    path.join(outcome.root, DEFAULT_WAIVERS_FILE),
    ...(outcome.data.waiversFile ? [outcome.data.waiversFile] : []),
  ];
  const policy = new Set(candidates.map((file) => toPosix(path.relative(set.repoRoot, file))));
  const changed = set.changes.flatMap((c) => [c.path, ...(c.oldPath ? [c.oldPath] : [])]);
  return [...new Set(changed.filter((p) => policy.has(p)))].sort();
}

/** How the scan was compared with its base: the refs, the changed files, what was scoped. */
function baselineFacts(outcome: ScanOutcome) {
  const b = outcome.baseline;
  if (!b) return null;
  const set = b.changeSet;
  const counts = { new: 0, unchanged: 0, fixed: b.fixedProblems.length };
  // Per problem, as findings[] lists them.
  for (const { finding: f } of outcome.gate.findings) {
    if (f.baselineState === 'new') counts.new += 1;
    else if (f.baselineState === 'unchanged') counts.unchanged += 1;
  }
  return {
    status: b.status,
    reason: b.reason ?? null,
    mode: b.mode,
    judged: b.judged,
    source: b.source,
    /** changed-files when any scanner saw only the change's files (such a run cannot serve as a baseline). */
    scope: Object.values(b.scope).includes('changed-files')
      ? ('changed-files' as const)
      : ('all-files' as const),
    baseRef: set?.baseRef ?? null,
    baseSha: set?.baseSha ?? null,
    mergeBase: set?.mergeBase ?? null,
    headSha: set?.headSha ?? null,
    bundle: b.bundle
      ? { location: portableLocation(outcome.root, b.bundle.location), digest: b.bundle.digest }
      : null,
    counts,
    /** The configuration and waiver files this change adds, edits, renames or deletes. */
    policyChanged: set ? policyFilesChanged(outcome, set) : [],
    changedFiles: (set?.changes ?? []).map((c) => ({
      status: c.status,
      path: c.path,
      oldPath: c.oldPath ?? null,
    })),
    scanners: outcome.scanners.map((s) => {
      const baseRun = b.scanners.find((r) => r.id === s.id);
      const notCompared = b.notCompared.find((n) => n.id === s.id);
      return {
        id: s.id,
        scope: b.scope[s.id] ?? 'all-files',
        compared: notCompared === undefined && b.status === 'compared',
        reason: notCompared?.reason ?? null,
        baseStatus: baseRun?.status ?? null,
        baseFilesScanned: baseRun?.filesScanned ?? null,
        baseDurationMs: baseRun?.durationMs ?? null,
      };
    }),
  };
}

// What the builder makes and what the schema declares are one type, field for field: a field added to
// one and not the other, or typed differently, fails to compile.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
export type BuilderMatchesSchema = Expect<Same<ReturnType<typeof buildReport>, JsonReport>>;

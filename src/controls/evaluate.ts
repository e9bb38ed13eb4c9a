import type { Catalog, Criterion } from '../catalog/model.ts';
import type { Config } from '../config/schema.ts';
import { type Finding, type Severity, type Suppression, severityRank } from '../findings/finding.ts';
import { groupProblems, problemBaselineState } from '../findings/problems.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { applyWaivers, type Waiver, type WaiverOutcome } from '../findings/waivers.ts';
import { type Mapper, type MappingResult, UNMAPPED_CRITERION } from './map.ts';
import { applyOverrides } from './overrides.ts';

export type Verdict = 'pass' | 'fail' | 'warn' | 'not-evaluated' | 'not-covered' | 'out-of-scope';
export type Decision = 'pass' | 'block';

/** One tool's finding with what the mapping and the overrides made of it. */
export interface GatedSource {
  finding: Finding;
  /** The shipped mapping's answer, before overrides. */
  mapping: MappingResult;
  criteria: string[];
  advisory: boolean;
  unmapped: boolean;
  /** After overrides; what thresholds compare. */
  severity: Severity;
  /** Indexes of the configuration's mapping overrides that applied. */
  overrides: number[];
}

/**
 * A problem with everything the gate decided about it: one finding, or several tools' findings of the
 * same weakness at the same place merged (src/findings/problems.ts). For a merged problem, `finding`
 * is the source whose severity the problem takes, carrying the problem's comparison with the base and
 * suppression state; `mapping` and `overrides` are that source's; `criteria` join every source's (an
 * unmapped source adds none when another maps); `severity` follows the `merge.severity` rule.
 */
export interface GatedFinding extends GatedSource {
  /**
   * Every tool's finding of a merged problem as the tool reported it, the main one first (its own
   * suppression and comparison state, where `finding` carries the problem's); empty for most problems,
   * found by one tool. Kept for the evidence.
   */
  sources: GatedSource[];
  /** A waiver matching any of the problem's sources waives the problem. */
  waiver?: Waiver;
  /**
   * Every suppression hiding it was refused by the policy (in-source, or written by the change) for a
   * blocking criterion; for a merged problem, every source is suppressed and one of them so refused.
   */
  suppressionRefused: boolean;
}

/** The policy that applies to one criterion, with where it came from. */
export interface EffectivePolicy {
  mode: 'block' | 'warn';
  severity: Severity;
  unevaluated: 'block' | 'allow';
  /** "default", a group id (e.g. CC6) or the criterion id: the most specific key that set something. */
  source: string;
}

export interface ControlResult {
  id: string;
  title: string;
  category: string;
  group: string;
  signal: Criterion['signal'];
  verdict: Verdict;
  policy: EffectivePolicy;
  /** Fingerprints of findings that fail (or warn) the criterion: at or above the threshold. */
  findings: string[];
  belowThreshold: string[];
  /** Findings at or above the threshold that predate the change: existing debt, not judged. */
  existing: string[];
  waived: string[];
  suppressed: string[];
  /** Scanners in this run that can produce a signal for the criterion. */
  coveredBy: string[];
  /** Covering scanners that failed, or that left files unjudged (ScannerRun.unjudged says which). */
  failedScanners: string[];
  /** True when this criterion makes the decision `block`. */
  blocking: boolean;
}

export interface GateResult {
  decision: Decision;
  /** 2: a blocking criterion could not be evaluated; 1: controls block; 0: pass. */
  exitCode: 0 | 1 | 2;
  controls: ControlResult[];
  findings: GatedFinding[];
  waivers: WaiverOutcome;
}

export interface GateInput {
  findings: readonly Finding[];
  scanners: readonly ScannerRun[];
  catalog: Catalog;
  mapper: Mapper;
  config: Config;
  waivers: readonly Waiver[];
  now: Date;
  /**
   * new: only findings the change introduced (baselineState new, or no baseline) can fail a
   * criterion; unchanged ones are listed as existing debt. all: every finding is judged.
   */
  judge?: 'new' | 'all';
}

/** The criteria a finding maps to after the configuration's overrides (for findings outside the gate). */
export function criteriaFor(finding: Finding, mapper: Mapper, config: Config): string[] {
  return applyOverrides(finding, mapper.map(finding), config.mapping, mapper).criteria;
}

/** Resolves the policy for a criterion: criterion id beats group id beats the defaults. */
export function effectivePolicy(config: Config, criterion: Pick<Criterion, 'id' | 'group'>): EffectivePolicy {
  const p = config.policy;
  const group = p[criterion.group] as Partial<EffectivePolicy> | undefined;
  const own = p[criterion.id] as Partial<EffectivePolicy> | undefined;
  const pick = <K extends 'mode' | 'severity' | 'unevaluated'>(key: K): EffectivePolicy[K] =>
    (own?.[key] ?? group?.[key] ?? p[key]) as EffectivePolicy[K];
  const source =
    own && Object.keys(own).length > 0
      ? criterion.id
      : group && Object.keys(group).length > 0
        ? criterion.group
        : 'default';
  return { mode: pick('mode'), severity: pick('severity'), unevaluated: pick('unevaluated'), source };
}

/** Criteria each scanner in this run covers: mapping data for built-ins, `covers` for custom ones. */
function coverageOf(run: ScannerRun, config: Config, mapper: Mapper): readonly string[] {
  if (run.covers) return run.covers;
  const custom = config.scanners.custom.find((c) => c.id === run.id);
  return custom ? custom.covers : mapper.coverage(run.id);
}

/**
 * The gate: maps findings to criteria, applies overrides, waivers and suppressions, and gives each
 * of the catalog's criteria a verdict, then one decision. Pure: everything comes in as data.
 */
export function evaluateGate(input: GateInput): GateResult {
  const { config, mapper, now } = input;
  const waiverOutcome = applyWaivers(input.findings, input.waivers, now);
  const policies = new Map(input.catalog.criteria.map((c) => [c.id, effectivePolicy(config, c)]));
  const refuseInSource = config.policy.inSourceSuppressions === 'refuse';
  const refuseNew = config.policy.newSuppressions === 'refuse';
  const refused = (s: Suppression) =>
    (refuseInSource && s.kind === 'inSource') || (refuseNew && s.addedByChange === true);
  const judgeNewOnly = input.judge === 'new';

  const single = (finding: Finding): GatedSource & { refused: boolean } => {
    const mapping = mapper.map(finding);
    const o = applyOverrides(finding, mapping, config.mapping, mapper);
    // Refused only when every suppression that hides it is: a reviewed one still stands.
    const accepted = finding.suppressions.filter((s) => s.status === 'accepted');
    const refusedHere =
      finding.suppressed &&
      accepted.length > 0 &&
      accepted.every(refused) &&
      o.criteria.some((c) => policies.get(c)?.mode === 'block');
    return {
      finding,
      mapping,
      criteria: o.criteria,
      advisory: o.advisory,
      unmapped: o.unmapped,
      severity: o.severity,
      overrides: o.applied,
      refused: refusedHere,
    };
  };
  const groups = config.merge.enabled
    ? groupProblems(input.findings, (a, b) => mapper.sameProblem(a, b))
    : input.findings.map((f) => [f]);
  const gated: GatedFinding[] = groups.map((members) =>
    gateProblem(members.map(single), config.merge, waiverOutcome),
  );

  // Indexed once: scanning every finding for each of the 61 criteria is slow with large results.
  const byCriterion = new Map<string, GatedFinding[]>();
  for (const g of gated) {
    for (const id of new Set(g.criteria)) {
      const list = byCriterion.get(id);
      if (list) list.push(g);
      else byCriterion.set(id, [g]);
    }
  }
  const inScope = new Set<string>(['security', ...config.scope]);
  const controls = input.catalog.criteria.map((criterion): ControlResult => {
    const policy = policies.get(criterion.id) ?? effectivePolicy(config, criterion);
    const coveredBy = input.scanners
      .filter((s) => coverageOf(s, config, mapper).includes(criterion.id))
      .map((s) => s.id);
    // A scanner that left a file unjudged (it did not parse, a rule timed out) counts as failed for
    // what it covers: that file was not checked. Its run holds which files and why.
    const failedScanners = input.scanners
      .filter((s) => (s.status === 'failed' || (s.unjudged?.length ?? 0) > 0) && coveredBy.includes(s.id))
      .map((s) => s.id);
    const result: ControlResult = {
      id: criterion.id,
      title: criterion.title,
      category: criterion.category,
      group: criterion.group,
      signal: criterion.signal,
      verdict: 'pass',
      policy,
      findings: [],
      belowThreshold: [],
      existing: [],
      waived: [],
      suppressed: [],
      coveredBy,
      failedScanners,
      blocking: false,
    };
    if (!inScope.has(criterion.category)) return { ...result, verdict: 'out-of-scope' };
    for (const g of byCriterion.get(criterion.id) ?? []) {
      const fp = g.finding.fingerprint;
      if (g.waiver) result.waived.push(fp);
      else if (g.finding.suppressed && !(g.suppressionRefused && policy.mode === 'block'))
        result.suppressed.push(fp);
      else if (severityRank(g.severity) < severityRank(policy.severity)) result.belowThreshold.push(fp);
      else if (judgeNewOnly && g.finding.baselineState === 'unchanged') result.existing.push(fp);
      else result.findings.push(fp);
    }
    // Findings at or above the threshold settle it, even if another covering scanner failed.
    if (result.findings.length > 0) {
      return {
        ...result,
        verdict: policy.mode === 'block' ? 'fail' : 'warn',
        blocking: policy.mode === 'block',
      };
    }
    const signals =
      result.belowThreshold.length + result.existing.length + result.waived.length + result.suppressed.length;
    if (coveredBy.length === 0 && signals === 0) return { ...result, verdict: 'not-covered' };
    if (failedScanners.length > 0) {
      // Fail closed: what a broken scanner would have found is unknown.
      return {
        ...result,
        verdict: 'not-evaluated',
        blocking: policy.mode === 'block' && policy.unevaluated === 'block',
      };
    }
    return result;
  });

  const unevaluatedBlocking = controls.some((c) => c.verdict === 'not-evaluated' && c.blocking);
  const blocked = controls.some((c) => c.blocking);
  return {
    decision: blocked ? 'block' : 'pass',
    exitCode: unevaluatedBlocking ? 2 : blocked ? 1 : 0,
    controls,
    findings: gated,
    waivers: waiverOutcome,
  };
}

/** Severity first, then tool, rule and fingerprint: the same choice whatever order the sources came in. */
function moreSevere(a: GatedSource, b: GatedSource): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    text(a.finding.scanner, b.finding.scanner) ||
    text(a.finding.ruleId, b.finding.ruleId) ||
    text(a.finding.fingerprint, b.finding.fingerprint)
  );
}

/**
 * One problem from its sources: the severity by the merge rule, the criteria of every source, waived
 * when any source is, suppressed only when every source is (a `# nosec` hides Bandit's result, not
 * Semgrep's), existing debt when any tool found it at the base.
 */
function gateProblem(
  members: (GatedSource & { refused: boolean })[],
  merge: Config['merge'],
  waivers: WaiverOutcome,
): GatedFinding {
  const ranked = [...members].sort(moreSevere);
  const preferred = merge.severity === 'prefer' ? merge.prefer : [];
  const primary =
    preferred.flatMap((id) => ranked.filter((m) => m.finding.scanner === id))[0] ??
    (ranked[0] as GatedSource);
  const { refused: _own, ...main } = primary as GatedSource & { refused: boolean };
  if (members.length === 1) {
    const waiver = waivers.applied.get(main.finding.fingerprint);
    return { ...main, sources: [], ...(waiver ? { waiver } : {}), suppressionRefused: _own };
  }
  const others = members.filter((m) => m !== primary).map(({ refused: _r, ...rest }) => rest);
  const sources = [main, ...others];
  const mapped = members.filter((m) => !m.unmapped);
  const criteria = mapped.length
    ? [...new Set([primary, ...mapped].filter((m) => !m.unmapped).flatMap((m) => m.criteria))]
    : [UNMAPPED_CRITERION];
  const suppressed = members.every((m) => m.finding.suppressed);
  const suppressions = [
    ...new Map(members.flatMap((m) => m.finding.suppressions).map((s) => [JSON.stringify(s), s])).values(),
  ];
  const baselineState = problemBaselineState(members.map((m) => m.finding));
  const finding: Finding = {
    ...main.finding,
    suppressed,
    suppressions,
    ...(baselineState ? { baselineState } : {}),
  };
  const waiver = sources.map((m) => waivers.applied.get(m.finding.fingerprint)).find(Boolean);
  // The problem is known by its main finding's fingerprint: reports and controls list that one.
  if (waiver) waivers.applied.set(finding.fingerprint, waiver);
  return {
    ...main,
    finding,
    sources,
    criteria,
    advisory: criteria.length === 0,
    unmapped: mapped.length === 0,
    ...(waiver ? { waiver } : {}),
    suppressionRefused: suppressed && members.some((m) => m.refused),
  };
}

/** Every tool's fingerprint in a problem of several tools, to the problem's (for the merged SARIF). */
export function problemFingerprints(gate: Pick<GateResult, 'findings'>): Map<string, string> {
  const map = new Map<string, string>();
  for (const g of gate.findings) {
    for (const s of g.sources) map.set(s.finding.fingerprint, g.finding.fingerprint);
  }
  return map;
}

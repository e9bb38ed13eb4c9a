import type { Catalog, Criterion } from '../catalog/model.ts';
import type { Config } from '../config/schema.ts';
import { type Finding, type Severity, type Suppression, severityRank } from '../findings/finding.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { applyWaivers, type Waiver, type WaiverOutcome } from '../findings/waivers.ts';
import type { Mapper, MappingResult } from './map.ts';
import { applyOverrides } from './overrides.ts';

export type Verdict = 'pass' | 'fail' | 'warn' | 'not-evaluated' | 'not-covered' | 'out-of-scope';
export type Decision = 'pass' | 'block';

/** A finding with everything the gate decided about it. */
export interface GatedFinding {
  finding: Finding;
  /** The shipped mapping's answer, before overrides. */
  mapping: MappingResult;
  criteria: string[];
  advisory: boolean;
  unmapped: boolean;
  /** Severity after overrides; what thresholds compare. */
  severity: Severity;
  overrides: number[];
  waiver?: Waiver;
  /** Every suppression hiding it was refused by the policy (in-source, or written by the change) for a blocking criterion. */
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

  const gated: GatedFinding[] = input.findings.map((finding) => {
    const mapping = mapper.map(finding);
    const o = applyOverrides(finding, mapping, config.mapping, mapper);
    // Refused only when every suppression that hides it is: a reviewed one still stands.
    const accepted = finding.suppressions.filter((s) => s.status === 'accepted');
    const suppressionRefused =
      finding.suppressed &&
      accepted.length > 0 &&
      accepted.every(refused) &&
      o.criteria.some((c) => policies.get(c)?.mode === 'block');
    const waiver = waiverOutcome.applied.get(finding.fingerprint);
    return {
      finding,
      mapping,
      criteria: o.criteria,
      advisory: o.advisory,
      unmapped: o.unmapped,
      severity: o.severity,
      overrides: o.applied,
      ...(waiver ? { waiver } : {}),
      suppressionRefused,
    };
  });

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

import type { Verdict } from '../../controls/evaluate.ts';
import { severityRank } from '../../findings/finding.ts';
import { compareFindings } from '../../findings/order.ts';
import { changeState, stateRank } from '../comparison.ts';
import type { JsonReport } from '../json-report-schema.ts';

export type Finding = JsonReport['findings'][number];
export type Control = JsonReport['controls'][number];
export type FindingStatus =
  | 'active'
  | 'existing'
  | 'suppressed'
  | 'waived'
  | 'advisory'
  | 'below-threshold'
  | 'out-of-scope';

export const VERDICTS: readonly Verdict[] = [
  'fail',
  'warn',
  'not-evaluated',
  'pass',
  'not-covered',
  'out-of-scope',
];

export const STATUS_LABELS: Record<FindingStatus, string> = {
  active: 'active',
  existing: 'existing debt',
  suppressed: 'suppressed',
  waived: 'waived',
  advisory: 'advisory',
  'below-threshold': 'below threshold',
  'out-of-scope': 'out of scope',
};

export const CATEGORY_TITLES: Record<string, string> = {
  security: 'Security (Common Criteria)',
  availability: 'Availability',
  confidentiality: 'Confidentiality',
  'processing-integrity': 'Processing integrity',
  privacy: 'Privacy',
};

/** Group titles of src/catalog/data/catalog.yml; the JSON report carries only criterion ids. */
export const GROUP_TITLES: Record<string, string> = {
  CC1: 'Control environment',
  CC2: 'Communication and information',
  CC3: 'Risk assessment',
  CC4: 'Monitoring of controls',
  CC5: 'Control activities',
  CC6: 'Logical and physical access',
  CC7: 'System operations',
  CC8: 'Change management',
  CC9: 'Risk mitigation',
  A1: 'Availability',
  C1: 'Confidentiality',
  PI1: 'Processing integrity',
  P1: 'Privacy notice',
  P2: 'Privacy choice and consent',
  P3: 'Collection of personal information',
  P4: 'Use, retention and disposal of personal information',
  P5: 'Data subject access',
  P6: 'Disclosure and notification',
  P7: 'Quality of personal information',
  P8: 'Privacy monitoring and enforcement',
};

/** "CC6.1" → "CC6": criterion ids name their group. */
export function groupOf(id: string): string {
  return id.replace(/\.\d+$/, '');
}

/** Criteria by category, then by group, in the report's (catalog) order. */
export function groupControls(controls: readonly Control[]): Map<string, Map<string, Control[]>> {
  const out = new Map<string, Map<string, Control[]>>();
  for (const c of controls) {
    const groups = out.get(c.category) ?? new Map<string, Control[]>();
    out.set(c.category, groups);
    const group = groupOf(c.id);
    groups.set(group, [...(groups.get(group) ?? []), c]);
  }
  return out;
}

/** Why a finding does or does not count, read from the per-criterion lists the gate wrote. */
export function statusResolver(report: Pick<JsonReport, 'controls'>): (f: Finding) => FindingStatus {
  const active = new Set(report.controls.flatMap((c) => c.findings));
  const existing = new Set(report.controls.flatMap((c) => c.existing));
  const below = new Set(report.controls.flatMap((c) => c.belowThreshold));
  return (f) => {
    if (active.has(f.fingerprint)) return 'active';
    // At or above a threshold but predating the change: the gate listed it as debt, not judged.
    if (existing.has(f.fingerprint)) return 'existing';
    if (f.waiver) return 'waived';
    if (f.suppressed) return 'suppressed';
    if (f.advisory) return 'advisory';
    return below.has(f.fingerprint) ? 'below-threshold' : 'out-of-scope';
  };
}

/**
 * Most severe first, then by place; the order every report uses. After a comparison, new findings
 * come before existing ones: they are what the change is judged on.
 */
export function sortFindings(
  findings: readonly Finding[],
  baseline: JsonReport['baseline'] = null,
  limit = Number.POSITIVE_INFINITY,
): Finding[] {
  const rank = (f: Finding) => stateRank(changeState(f, baseline));
  const bucket = (f: Finding) => rank(f) * 8 + (4 - severityRank(f.severity));
  let candidates = findings;
  if (findings.length > limit) {
    // Only the first `limit` are wanted: keep the (state, severity) buckets that reach them, then
    // sort just those, rather than sorting hundreds of thousands of findings to show a few.
    const sizes = new Map<number, number>();
    for (const f of findings) sizes.set(bucket(f), (sizes.get(bucket(f)) ?? 0) + 1);
    let kept = 0;
    let last = -1;
    for (const key of [...sizes.keys()].sort((a, b) => a - b)) {
      last = key;
      kept += sizes.get(key) ?? 0;
      if (kept >= limit) break;
    }
    candidates = findings.filter((f) => bucket(f) <= last);
  }
  const sorted = [...candidates].sort((a, b) => rank(a) - rank(b) || compareFindings(a, b));
  return sorted.length > limit ? sorted.slice(0, limit) : sorted;
}

export type AppliedWaiver = JsonReport['waivers']['applied'][number];

/**
 * A criterion's state as the report shows it: the gate's verdict, except that a pass resting on a
 * waiver (a waived finding at or above the threshold) is its own state. The gate's verdict stays
 * `pass`; this only keeps an auditor from reading it as a clean one.
 */
export type CriterionState = Verdict | 'waived-pass';

/** Display order: what blocks or needs attention first. */
export const STATES: readonly CriterionState[] = [
  'fail',
  'warn',
  'not-evaluated',
  'waived-pass',
  'pass',
  'not-covered',
  'out-of-scope',
];

export const STATE_LABELS: Record<CriterionState, string> = {
  fail: 'fail',
  warn: 'warn',
  'not-evaluated': 'not evaluated',
  'waived-pass': 'passed under waiver',
  pass: 'pass',
  'not-covered': 'not covered',
  'out-of-scope': 'out of scope',
};

/** A pass that holds only because findings at or above the threshold were waived, and by which waivers. */
export interface WaivedPass {
  control: Control;
  /** The waived findings at or above the criterion's threshold. */
  findings: Finding[];
  /** The applied waivers that cover them; a finding without one is named by `Finding.waiver`. */
  waivers: AppliedWaiver[];
  /** Waiver names (`Finding.waiver`) with no applied waiver in the report (older or hand-made reports). */
  unlisted: string[];
}

/** Derived from `controls[].waived`, the findings' severities and `waivers.applied`; nothing else. */
export function waivedPasses(
  report: Pick<JsonReport, 'controls' | 'findings' | 'waivers'>,
): Map<string, WaivedPass> {
  const byFingerprint = new Map(report.findings.map((f) => [f.fingerprint, f]));
  const waiverOf = new Map<string, AppliedWaiver>();
  for (const w of report.waivers.applied) for (const fp of w.findings) waiverOf.set(fp, w);
  const out = new Map<string, WaivedPass>();
  for (const control of report.controls) {
    if (control.verdict !== 'pass' || control.waived.length === 0) continue;
    const threshold = severityRank(control.severity);
    const findings = control.waived
      .flatMap((fp) => byFingerprint.get(fp) ?? [])
      .filter((f) => severityRank(f.severity) >= threshold);
    if (findings.length === 0) continue;
    const waivers: AppliedWaiver[] = [];
    const unlisted: string[] = [];
    for (const f of findings) {
      const w = waiverOf.get(f.fingerprint);
      if (w) {
        if (!waivers.includes(w)) waivers.push(w);
      } else if (f.waiver && !unlisted.includes(f.waiver)) unlisted.push(f.waiver);
    }
    out.set(control.id, { control, findings, waivers, unlisted });
  }
  return out;
}

/** A criterion's state, given the report's waived passes. */
export function criterionState(control: Control, waived: ReadonlyMap<string, WaivedPass>): CriterionState {
  return waived.has(control.id) ? 'waived-pass' : control.verdict;
}

/** How a waiver is named to people: its id, else its line in the waivers file. */
export function waiverLabel(w: Pick<AppliedWaiver, 'id' | 'line'>): string {
  return w.id ?? `line ${w.line}`;
}

import type { ControlResult, GatedFinding } from '../controls/evaluate.ts';
import { compareFindings } from '../findings/order.ts';
import type { ScanOutcome } from '../pipeline/scan.ts';
import { flatLine } from '../text.ts';
import { scannerTrouble } from './coverage-text.ts';
import { countVerdicts } from './json-report.ts';

const MAX_FINDINGS_PER_CRITERION = 15;

function oneLine(text: string, max: number): string {
  const flat = flatLine(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function stateLabel(g: GatedFinding): string {
  return g.finding.baselineState === 'unchanged' ? 'existing ' : 'new      ';
}

/** `labels`: rows say new/existing, only when the findings were really compared with a base. */
function findingRow(g: GatedFinding, labels: boolean): string {
  const f = g.finding;
  const where = f.path ? `${f.path}${f.line ? `:${f.line}` : ''}` : '(no location)';
  const state = labels ? stateLabel(g) : '';
  return `      ${g.severity.toUpperCase().padEnd(8)} ${state}${oneLine(where, 60)}  ${f.scanner} ${oneLine(f.ruleName ?? f.ruleId, 60)}`;
}

/** New before existing (mode full judges both), then the one report order. */
function byStateThenOrder(a: GatedFinding, b: GatedFinding): number {
  const existing = (g: GatedFinding) => Number(g.finding.baselineState === 'unchanged');
  return (
    existing(a) - existing(b) ||
    compareFindings({ ...a.finding, severity: a.severity }, { ...b.finding, severity: b.severity })
  );
}

function criterionBlock(
  c: ControlResult,
  byFingerprint: ReadonlyMap<string, GatedFinding>,
  labels: boolean,
): string[] {
  const policy = `${c.policy.mode} at ${c.policy.severity}${c.policy.source === 'default' ? '' : ` (policy ${c.policy.source})`}`;
  const debt = c.existing.length > 0 ? `, +${c.existing.length} existing (not judged)` : '';
  const lines = [
    `  ${c.id.padEnd(6)} ${oneLine(c.title, 90)} — ${c.findings.length} finding${c.findings.length === 1 ? '' : 's'}, ${policy}${debt}`,
  ];
  const rows = c.findings.flatMap((fp) => byFingerprint.get(fp) ?? []).sort(byStateThenOrder);
  for (const g of rows.slice(0, MAX_FINDINGS_PER_CRITERION)) lines.push(findingRow(g, labels));
  if (c.findings.length > MAX_FINDINGS_PER_CRITERION) {
    lines.push(`      … and ${c.findings.length - MAX_FINDINGS_PER_CRITERION} more (see --format json)`);
  }
  return lines;
}

/** Criteria that hold findings predating the change: reported so the debt stays visible, never blocking. */
function existingDebt(controls: readonly ControlResult[]): string[] {
  const withDebt = controls.filter((c) => c.existing.length > 0);
  if (withDebt.length === 0) return [];
  return [
    'Existing debt (predates this change, not judged):',
    ...withDebt.map(
      (c) =>
        `  ${c.id.padEnd(6)} ${oneLine(c.title, 90)} — ${c.existing.length} existing finding${c.existing.length === 1 ? '' : 's'}`,
    ),
    '',
  ];
}

/** The SOC 2 part of the terminal output: failing criteria with their findings, then the decision. */
export function renderControls(outcome: ScanOutcome): string {
  const { gate } = outcome;
  const byFingerprint = new Map(gate.findings.map((g) => [g.finding.fingerprint, g]));
  const labels = outcome.baseline?.status === 'compared';
  const block = (c: ControlResult) => criterionBlock(c, byFingerprint, labels);
  const out: string[] = [];
  const failing = gate.controls.filter((c) => c.verdict === 'fail');
  const warning = gate.controls.filter((c) => c.verdict === 'warn');
  const unevaluated = gate.controls.filter((c) => c.verdict === 'not-evaluated');
  if (failing.length > 0) out.push('SOC 2 criteria that fail:', ...failing.flatMap(block), '');
  if (warning.length > 0) out.push('SOC 2 criteria with warnings:', ...warning.flatMap(block), '');
  out.push(...existingDebt(gate.controls));
  if (unevaluated.length > 0) {
    out.push('Not evaluated (a scanner that covers them failed or could not judge a file):');
    for (const c of unevaluated) {
      const why = c.failedScanners.map((id) => scannerTrouble(outcome.scanners, id)).join(', ');
      out.push(`  ${c.id.padEnd(6)} ${oneLine(c.title, 90)} — ${why}${c.blocking ? '; blocks' : ''}`);
    }
    out.push('');
  }
  const waived = gate.waivers.applied.size;
  const notes = [
    waived > 0 ? `${waived} finding${waived === 1 ? '' : 's'} waived` : '',
    gate.waivers.expired.length > 0 ? `${gate.waivers.expired.length} expired waiver(s) no longer apply` : '',
    gate.waivers.stale.length > 0 ? `${gate.waivers.stale.length} stale waiver(s) match nothing` : '',
    gate.findings.some((g) => g.unmapped)
      ? `${gate.findings.filter((g) => g.unmapped).length} finding(s) unmapped (put under CC7.1)`
      : '',
  ].filter(Boolean);
  if (notes.length > 0) out.push(`Notes: ${notes.join('; ')}.`);
  const v = countVerdicts(outcome);
  out.push(
    `Criteria: ${v.fail} fail, ${v.warn} warn, ${v.pass} pass, ${v['not-evaluated']} not evaluated, ${v['not-covered']} not covered by any scanner, ${v['out-of-scope']} out of scope`,
  );
  const failed = failing.map((c) => c.id);
  const decision =
    gate.decision === 'block'
      ? `Decision: BLOCK — ${[
          failed.length > 0 ? `${failed.join(', ')} fail` : '',
          unevaluated.some((c) => c.blocking)
            ? `${unevaluated
                .filter((c) => c.blocking)
                .map((c) => c.id)
                .join(', ')} could not be evaluated`
            : '',
        ]
          .filter(Boolean)
          .join('; ')} (exit ${gate.exitCode})`
      : 'Decision: PASS (exit 0)';
  out.push(decision);
  return `${out.join('\n')}\n`;
}

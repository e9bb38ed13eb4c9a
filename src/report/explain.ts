import type { Catalog, Mapping } from '../catalog/model.ts';
import type { Config } from '../config/schema.ts';
import type { GatedFinding, GateResult } from '../controls/evaluate.ts';
import { effectivePolicy } from '../controls/evaluate.ts';
import { defuseWorkflowCommands, flatLine } from '../text.ts';
import { criterionSources, describeMatch } from './mapping-view.ts';

/** Why a criterion is judged as it is: policy, coverage, mapping rows, overrides and (if scanned) verdict. */
export function explainCriterion(
  id: string,
  catalog: Catalog,
  mapping: Mapping,
  config: Config,
  gate?: GateResult,
): string | undefined {
  const sources = criterionSources(catalog, mapping).find((s) => s.criterion.id === id);
  if (!sources) return undefined;
  const c = sources.criterion;
  const policy = effectivePolicy(config, c);
  const inScope = c.category === 'security' || (config.scope as string[]).includes(c.category);
  const custom = config.scanners.custom.filter((s) => s.covers.includes(id)).map((s) => s.id);
  const out = [
    `${c.id}  ${c.title}`,
    `  category: ${c.category} (${inScope ? 'in scope' : 'out of scope: add it to `scope` in .controlgate.yml'}); signal: ${c.signal}`,
    `  policy: ${policy.mode} at ${policy.severity} and above (set by ${policy.source}); a failed covering scanner: ${policy.unevaluated}`,
    `  covered by: ${[...sources.coveredBy, ...custom].join(', ') || (c.signal === 'process' ? 'nothing: a process control no scanner can evidence' : 'nothing')}`,
    `  mapping rows that feed it (${sources.rows.length}):`,
    ...sources.rows.map((r) => `    ${r.layer.padEnd(8)} ${describeMatch(r.row)}: ${r.row.rationale}`),
  ];
  const touching = config.mapping
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => [o.set, o.add, o.remove].some((list) => list?.includes(id)));
  if (touching.length > 0) {
    out.push('  overrides in the configuration that name it:');
    for (const { o, i } of touching)
      out.push(`    mapping[${i}] ${JSON.stringify(o.match)}${o.reason ? `: ${o.reason}` : ''}`);
  }
  const result = gate?.controls.find((r) => r.id === id);
  if (result) {
    out.push(
      `  this scan: ${result.verdict}; ${result.findings.length} at or above the threshold, ${result.belowThreshold.length} below, ${result.waived.length} waived, ${result.suppressed.length} suppressed`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Why one finding lands where it does: mapping rows, overrides, policy per criterion, waiver. Rule,
 * path, waiver and suppression text come from scanned code and the PR: one inert line each.
 */
export function explainFinding(g: GatedFinding, config: Config, gate: GateResult, catalog: Catalog): string {
  const f = g.finding;
  const out = [
    `${f.scanner} ${flatLine(f.ruleId)} at ${flatLine(f.path)}:${f.line}  (fingerprint ${f.fingerprint})`,
    `  severity: ${g.severity}${g.severity !== f.severity ? ` (the scanner said ${f.severity})` : ''}, from ${f.severitySource}; CWE: ${f.cwe.join(', ') || 'none'}${f.category ? `; category: ${f.category}` : ''}`,
  ];
  if (g.mapping.unmapped) out.push('  mapping: no row matched, so it is put under CC7.1 as unmapped');
  else {
    out.push(`  mapping: decided by layer "${g.mapping.layer}"`);
    for (const r of g.mapping.rows) {
      out.push(
        `    row ${r.index}: ${describeMatch(r.row)} → ${r.row.advisory ? 'advisory' : (r.row.criteria ?? []).join(', ')}: ${r.row.rationale}`,
      );
    }
  }
  for (const i of g.overrides)
    out.push(`  override mapping[${i}] applied: ${JSON.stringify(config.mapping[i])}`);
  if (g.advisory) out.push('  advisory: no criterion, never blocks');
  for (const id of g.criteria) {
    const result = gate.controls.find((c) => c.id === id);
    const criterion = catalog.criteria.find((c) => c.id === id);
    if (!result || !criterion) continue;
    const counts = result.findings.includes(f.fingerprint)
      ? 'counts against it'
      : result.belowThreshold.includes(f.fingerprint)
        ? `below its ${result.policy.severity} threshold`
        : result.waived.includes(f.fingerprint)
          ? 'waived'
          : result.suppressed.includes(f.fingerprint)
            ? 'suppressed'
            : 'not counted';
    out.push(
      `  ${id} ${criterion.title}: ${result.verdict} (${result.policy.mode} at ${result.policy.severity}, set by ${result.policy.source}); this finding ${counts}`,
    );
  }
  if (g.waiver) {
    const w = g.waiver;
    out.push(
      `  ${flatLine(`waiver ${w.id ?? `at line ${w.line}`}: ${w.reason}; approved by ${w.approver}, ticket ${w.ticket}, expires ${w.expires}`)}`,
    );
  }
  for (const s of f.suppressions) {
    out.push(
      `  suppression (${s.kind}, ${s.status}${s.line !== undefined ? `, line ${s.line}` : ''}${s.addedByChange ? ', added by this change' : ''})${s.justification ? `: ${flatLine(s.justification)}` : ''}${g.suppressionRefused ? ' — refused by policy for a blocking criterion' : ''}`,
    );
  }
  return defuseWorkflowCommands(`${out.join('\n')}\n`);
}

import type { MappingOverride } from '../config/policy-schema.ts';
import { type Finding, SEVERITIES, type Severity } from '../findings/finding.ts';
import { globToRegExp } from '../glob.ts';
import type { Mapper, MappingResult } from './map.ts';

/** A finding's criteria and severity after the user's overrides, with which overrides applied. */
export interface OverriddenMapping {
  criteria: string[];
  advisory: boolean;
  unmapped: boolean;
  severity: Severity;
  /** Indexes into the configuration's `mapping` list. */
  applied: number[];
}

function shift(severity: Severity, steps: number): Severity {
  const index = SEVERITIES.indexOf(severity) - steps; // SEVERITIES runs critical → info
  return SEVERITIES[Math.min(SEVERITIES.length - 1, Math.max(0, index))] ?? severity;
}

/** Applies `.controlgate.yml` mapping overrides, in order, to one finding's base mapping. */
export function applyOverrides(
  finding: Finding,
  base: MappingResult,
  overrides: readonly MappingOverride[],
  mapper: Mapper,
): OverriddenMapping {
  let criteria = [...base.criteria];
  let advisory = base.advisory;
  let unmapped = base.unmapped;
  let severity = finding.severity;
  const applied: number[] = [];
  const cwes = new Set(finding.cwe.flatMap((c) => mapper.cweWithAncestors(c)));
  const tags = new Set(finding.tags.map((t) => t.toLowerCase()));
  overrides.forEach((o, index) => {
    const m = o.match;
    if (m.tool !== undefined && m.tool !== finding.scanner) return;
    if (m.rule !== undefined && !globToRegExp(m.rule).test(finding.ruleId)) return;
    if (m.cwe !== undefined && !(Array.isArray(m.cwe) ? m.cwe : [m.cwe]).some((c) => cwes.has(c))) return;
    if (m.category !== undefined && m.category.toLowerCase() !== (finding.category ?? '').toLowerCase())
      return;
    if (m.tag !== undefined && !tags.has(m.tag.toLowerCase())) return;
    applied.push(index);
    if (o.set) criteria = [...o.set];
    if (o.add) criteria = [...new Set([...criteria, ...o.add])];
    if (o.remove) criteria = criteria.filter((c) => !o.remove?.includes(c));
    if (o.set || o.add) unmapped = false;
    if (o.advisory === true) criteria = [];
    advisory = criteria.length === 0;
    if (o.advisory === false && criteria.length === 0) {
      // Un-marking advisory with nothing else said puts the finding back under the unmapped bucket.
      criteria = ['CC7.1'];
      advisory = false;
      unmapped = true;
    }
    if (o.severity) severity = o.severity;
    if (o.raise) severity = shift(severity, o.raise);
    if (o.lower) severity = shift(severity, -o.lower);
  });
  return { criteria, advisory, unmapped, severity, applied };
}

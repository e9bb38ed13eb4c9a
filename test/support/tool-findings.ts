import type { JsonReport } from '../../src/report/json-report-schema.ts';

/**
 * One tool's finding as the report lists it: a problem's main finding or one of its other sources,
 * with `problem`, the fingerprint the controls list it under (its problem's).
 */
export type ToolFinding = Omit<JsonReport['findings'][number], 'sources'> & { problem: string };

/**
 * Every tool's finding, one for one, as the tools reported them: each problem's main finding and the
 * other tools' findings merged into it (src/findings/problems.ts). What per-tool checks compare.
 */
export function toolFindings(report: Pick<JsonReport, 'findings'>): ToolFinding[] {
  return report.findings.flatMap(({ sources, ...f }) =>
    sources?.length
      ? sources.map((s) => ({ ...f, ...s, problem: f.fingerprint }))
      : [{ ...f, problem: f.fingerprint }],
  );
}

export type ToolFixed = Omit<JsonReport['fixed'][number], 'sources'>;

/** Every fixed finding of every tool, the same way. */
export function toolFixed(report: Pick<JsonReport, 'fixed'>): ToolFixed[] {
  return report.fixed.flatMap(({ sources, ...f }) => (sources?.length ? sources : [f]));
}

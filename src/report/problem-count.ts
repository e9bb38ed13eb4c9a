import type { JsonReport } from './json-report-schema.ts';

/**
 * "114 findings (2 suppressed; 127 from the tools, merged where two tools found one problem)": the
 * problems a reader sees, and what the tools reported when merging made them fewer.
 */
export function problemCount(report: Pick<JsonReport, 'summary' | 'findings'>): string {
  const problems = report.summary.problems ?? report.summary.findings;
  const suppressed = report.findings.filter((f) => f.suppressed).length;
  const raw = report.summary.findings;
  const merged = raw > problems ? `; ${raw} from the tools, merged where two tools found one problem` : '';
  return `${problems} ${problems === 1 ? 'finding' : 'findings'} (${suppressed} suppressed${merged})`;
}

import path from 'node:path';
import { readBundle } from '../bundle/verify.ts';
import { parseJsonReport } from '../report/json-report-schema.ts';

interface RunFile {
  commit: string | null;
  changeNumber: number | null;
  finishedAt: string;
}

export interface CriterionTally {
  id: string;
  title: string;
  passed: number;
  passedUnderWaiver: number;
  blocked: number;
  warned: number;
  notEvaluated: number;
}

export interface Summary {
  bundles: {
    location: string;
    commit: string | null;
    changeNumber: number | null;
    finishedAt: string;
    decision: string;
  }[];
  criteria: CriterionTally[];
}

/** Tallies many bundles (the changes an auditor samples): per criterion, how each change fared. */
export async function summarizeBundles(locations: readonly string[]): Promise<Summary> {
  const tallies = new Map<string, CriterionTally>();
  const bundles: Summary['bundles'] = [];
  const decoder = new TextDecoder();
  for (const location of locations) {
    const files = await readBundle(location);
    const report = files.get('controlgate.json');
    const run = files.get('run.json');
    if (!report || !run)
      throw new Error(
        `${location}: not a controlgate evidence bundle (controlgate.json or run.json missing)`,
      );
    // The decision and the controls come from the report, validated: a bad one names the field.
    const c = parseJsonReport(decoder.decode(report), path.join(location, 'controlgate.json'));
    const r = JSON.parse(decoder.decode(run)) as RunFile;
    bundles.push({
      location,
      commit: r.commit,
      changeNumber: r.changeNumber,
      finishedAt: r.finishedAt,
      decision: c.decision,
    });
    for (const control of c.controls) {
      const t = tallies.get(control.id) ?? {
        id: control.id,
        title: control.title,
        passed: 0,
        passedUnderWaiver: 0,
        blocked: 0,
        warned: 0,
        notEvaluated: 0,
      };
      if (control.verdict === 'pass' && control.waived.length > 0) t.passedUnderWaiver += 1;
      else if (control.verdict === 'pass') t.passed += 1;
      else if (control.verdict === 'fail') t.blocked += 1;
      else if (control.verdict === 'warn') t.warned += 1;
      else if (control.verdict === 'not-evaluated') t.notEvaluated += 1;
      tallies.set(control.id, t);
    }
  }
  const criteria = [...tallies.values()].filter(
    (t) => t.passed + t.passedUnderWaiver + t.blocked + t.warned + t.notEvaluated > 0,
  );
  return { bundles, criteria };
}

/** The summary as a Markdown table (readable in a terminal and pasteable into audit working papers). */
export function renderSummary(summary: Summary): string {
  const out = [
    `${summary.bundles.length} change(s): ${summary.bundles.filter((b) => b.decision === 'pass').length} passed, ${summary.bundles.filter((b) => b.decision === 'block').length} blocked`,
    '',
    '| criterion | passed | passed under waiver | blocked | warned | not evaluated |',
    '|---|---:|---:|---:|---:|---:|',
    ...summary.criteria.map(
      (t) =>
        `| ${t.id} ${t.title} | ${t.passed} | ${t.passedUnderWaiver} | ${t.blocked} | ${t.warned} | ${t.notEvaluated} |`,
    ),
  ];
  return `${out.join('\n')}\n`;
}

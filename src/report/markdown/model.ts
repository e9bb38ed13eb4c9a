import { compareFindings } from '../../findings/order.ts';
import type { JsonReport } from '../json-report-schema.ts';

export type Control = JsonReport['controls'][number];
export type ReportFinding = JsonReport['findings'][number];

/** What the caller says about where the comment goes (the job summary takes the same, without the key). */
export interface CommentOptions {
  /** Identifies this comment among several jobs/components; goes into the hidden marker. */
  commentKey: string;
  /** e.g. "https://github.com/octo/shop" — file links are `${repoUrl}/blob/${headSha}/${path}#L${line}-L${endLine}`. */
  repoUrl?: string;
  headSha?: string;
  /** Where the full details are, e.g. "the `controlgate-evidence` artifact of this run" and a link to the run. */
  detailsHint?: string;
  runUrl?: string;
  /** Hard limit on the body length in characters; GitHub's is 65,536. */
  maxChars?: number;
  /**
   * Why these results are not verified (they come from an artifact the pull request's own run
   * wrote): the title then never says the change passed. Trusted text.
   */
  unverified?: string;
}

/** How much of the report one rendering shows; the builder tries shapes from the most to the least. */
export interface Shape {
  /** Blocking problems listed (the rest are counted); every one as long as anything fits. */
  rows: number;
  /** The "How to fix" texts, once per rule, under the list. */
  fixes: boolean;
  /** Waiver entries to paste: one per blocking problem, the first one only, or none. */
  snippets: 'all' | 'first' | 'none';
  /** Rows in the folded lists of non-blocking, existing and fixed problems; 0 leaves counts only. */
  sideRows: number;
  details: 'full' | 'short' | 'none';
  /** At most this many criteria or files are named in one line. */
  named: number;
  /**
   * The shape must also fit the readable budget: folded extras are worth a longer comment only while
   * the comment stays short; past it they are left to the job summary.
   */
  readable: boolean;
}

/** Everything a rendering needs besides the report, already sanitized. */
export interface Context {
  repoUrl?: string;
  headSha?: string;
  runUrl?: string;
  /** Trusted Markdown naming where the full details are. */
  detailsHint?: string;
  /** Markdown naming where the rest is when this body was shortened. */
  elsewhere: string;
  /** Why the results are not verified; set, the title reports instead of deciding. */
  unverified?: string;
  /** Markdown line saying where the evidence is (the job summary's; the comment names it in its footer). */
  evidence?: string;
}

/** Findings by fingerprint; a fingerprint can name several findings (same code twice in a file). */
export function indexFindings(report: JsonReport): Map<string, ReportFinding[]> {
  const index = new Map<string, ReportFinding[]>();
  for (const f of report.findings) index.set(f.fingerprint, [...(index.get(f.fingerprint) ?? []), f]);
  return index;
}

/** New before existing (mode full judges both), then the one report order; without a base all rank alike. */
export function compareNewFirst(a: ReportFinding, b: ReportFinding): number {
  const existing = (f: ReportFinding) => Number(f.baselineState === 'unchanged');
  return existing(a) - existing(b) || compareFindings(a, b);
}

/** "1 finding", "3 findings". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The problems of criteria with `verdict`, each once however many criteria it fails, with those
 * criteria's ids; in the one report order. `except` leaves out problems already listed elsewhere.
 * `verdict: 'below'` picks, from every criterion, the problems under its severity threshold.
 */
export function problemsOf(
  report: JsonReport,
  index: ReadonlyMap<string, ReportFinding[]>,
  verdict: 'fail' | 'warn' | 'below',
  except: ReadonlySet<string> = new Set(),
): { finding: ReportFinding; criteria: string[] }[] {
  const criteria = new Map<string, string[]>();
  for (const c of report.controls) {
    if (verdict !== 'below' && c.verdict !== verdict) continue;
    for (const fp of new Set(verdict === 'below' ? c.belowThreshold : c.findings)) {
      if (!except.has(fp)) criteria.set(fp, [...(criteria.get(fp) ?? []), c.id]);
    }
  }
  return [...criteria]
    .flatMap(([fp, ids]) => (index.get(fp) ?? []).map((finding) => ({ finding, criteria: ids })))
    .sort((a, b) => compareNewFirst(a.finding, b.finding));
}

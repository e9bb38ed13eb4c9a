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
  /** Rows per criterion table; 0 drops the tables. */
  rows: number;
  /** Without tables: a bullet per failing/warning criterion. */
  list: boolean;
  details: 'full' | 'short' | 'none';
  /** Titles next to the ids in the headline; at most `named` criteria are named there. */
  titles: boolean;
  named: number;
  /**
   * Rows in the lists of existing (predating) and fixed findings; 0 leaves counts only. These go
   * before any new finding does: the change is judged on what it adds.
   */
  sideRows: number;
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
}

/** Failing criteria, then warning ones, in catalog order: the ones that get a table. */
export function flagged(report: JsonReport): Control[] {
  return [
    ...report.controls.filter((c) => c.verdict === 'fail'),
    ...report.controls.filter((c) => c.verdict === 'warn'),
  ];
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

/** The findings that fail or warn a criterion: new first, most severe first, then by place; locale-independent. */
export function findingsOf(control: Control, index: ReadonlyMap<string, ReportFinding[]>): ReportFinding[] {
  return [...new Set(control.findings)].flatMap((fp) => index.get(fp) ?? []).sort(compareNewFirst);
}

/** "1 finding", "3 findings". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

import path from 'node:path';
import type { UnjudgedFile } from '../../scanners/types.ts';
import { redactKnownSecrets } from '../findings/redact.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { stripControlChars } from '../text.ts';

/** What the runner makes of a plugin's unjudged files: the run's list, and whether nothing was judged. */
export interface UnjudgedOutcome {
  unjudged: NonNullable<ScannerRun['unjudged']>;
  /** Set when every file the scanner was given is unjudged: a tool that judged nothing failed. */
  judgedNothing?: string;
}

/**
 * Turns a plugin's unjudged files into the run's: paths relative to the root with `/` (as findings
 * name them), one entry per file with its reasons joined, copies made for revealing suppressions left
 * out (their original is scanned too). `given` are the files the scanner was selected for.
 */
export function collectUnjudged(
  reported: readonly UnjudgedFile[],
  given: readonly string[],
  root: string,
  revealDir: string | undefined,
): UnjudgedOutcome {
  const reasons = new Map<string, string[]>();
  const givenSet = new Set(given);
  const covered = new Set<string>();
  for (const { path: file, reason } of reported) {
    const absolute = path.resolve(root, file);
    if (revealDir && absolute.startsWith(revealDir + path.sep)) continue;
    if (givenSet.has(absolute)) covered.add(absolute);
    const relative = path.relative(root, absolute);
    const shown = (relative.startsWith('..') ? absolute : relative).split(path.sep).join('/');
    const list = reasons.get(shown) ?? [];
    // The tool's words: one line, no terminal control characters, and no secret its parser quoted
    // from the file it choked on.
    const clean = redactKnownSecrets(stripControlChars(reason).replace(/\s+/g, ' ').trim());
    if (!list.includes(clean)) list.push(clean);
    reasons.set(shown, list);
  }
  const unjudged = [...reasons].map(([file, why]) => ({ path: file, reason: why.join('; ') }));
  if (given.length === 0 || covered.size < given.length) return { unjudged };
  const first = unjudged[0];
  return {
    unjudged,
    judgedNothing:
      `could judge none of the ${given.length} file${given.length === 1 ? '' : 's'} it was given` +
      (first ? ` (${first.path}: ${first.reason})` : ''),
  };
}

import type { Finding } from '../findings/finding.ts';
import { normalizeCode } from '../findings/fingerprint.ts';

/** How a finding relates to the base: introduced by the change, already there, or removed by it. */
export type BaselineState = 'new' | 'unchanged' | 'fixed';

export interface ClassifyInput {
  /** Findings in the scanned tree. */
  head: readonly Finding[];
  /** Findings at the base, over the files the head scan covered (before renames). */
  base: readonly Finding[];
  /** Base path → current path for renamed files. */
  renames: ReadonlyMap<string, string>;
  /**
   * Head findings known to predate the change without comparing (a file the change did not touch,
   * scanned anyway because the policy judges everything).
   */
  knownUnchanged?: (finding: Finding) => boolean;
}

export interface Classified {
  /** The head findings, in their order, each with `baselineState` new or unchanged. */
  head: Finding[];
  /** Base findings with no counterpart now, each with `baselineState: 'fixed'`. */
  fixed: Finding[];
}

/** Identity that ignores line numbers and formatting: what the code says, where it lives. */
function contentKey(f: Finding, filePath: string): string {
  const code = f.snippet !== undefined ? normalizeCode(f.snippet) : '';
  return [f.scanner, f.ruleId, filePath, code !== '' ? `code:${code}` : `msg:${f.message}`].join('\u0000');
}

/** Below this many characters a shared prefix says little: `x=` starts half the lines of a file. */
const MIN_PREFIX = 16;

function sameStatementPrefix(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const [short, long] = [normalizeCode(a), normalizeCode(b)].sort((x, y) => x.length - y.length);
  return short !== undefined && long !== undefined && short.length >= MIN_PREFIX && long.startsWith(short);
}

/**
 * Matches findings of the scanned tree with those of the base. First by fingerprint (scanner, rule,
 * path and the matched code, no line numbers: survives moved code, edits elsewhere and whitespace
 * changes), then by the same content under the file's new name, so renames keep their findings,
 * then by one matched code being the start of the other (a statement split over more lines).
 * Equal keys are paired one for one, so a second copy of an old problem is still new.
 */
export function classifyFindings(input: ClassifyInput): Classified {
  const byFingerprint = new Map<string, Finding[]>();
  for (const b of input.base)
    byFingerprint.set(b.fingerprint, [...(byFingerprint.get(b.fingerprint) ?? []), b]);
  const matched = new Set<Finding>();
  const states = new Map<Finding, 'new' | 'unchanged'>();

  for (const h of input.head) {
    if (input.knownUnchanged?.(h)) {
      states.set(h, 'unchanged');
      continue;
    }
    const candidate = byFingerprint.get(h.fingerprint)?.find((b) => !matched.has(b));
    if (candidate) {
      matched.add(candidate);
      states.set(h, 'unchanged');
    }
  }

  const byContent = new Map<string, Finding[]>();
  for (const b of input.base) {
    if (matched.has(b)) continue;
    const key = contentKey(b, input.renames.get(b.path) ?? b.path);
    byContent.set(key, [...(byContent.get(key) ?? []), b]);
  }
  for (const h of input.head) {
    if (states.has(h)) continue;
    const candidate = byContent.get(contentKey(h, h.path))?.find((b) => !matched.has(b));
    if (candidate) {
      matched.add(candidate);
      states.set(h, 'unchanged');
    }
  }

  // Last, a statement reflowed over more lines than the tool's region covers (Bandit reports two
  // lines of a three-line call): the shorter matched code is a prefix of the longer one.
  const unmatchedBase = input.base.filter((b) => !matched.has(b));
  for (const h of input.head) {
    if (states.has(h)) continue;
    const candidate = unmatchedBase.find(
      (b) =>
        !matched.has(b) &&
        b.scanner === h.scanner &&
        b.ruleId === h.ruleId &&
        (input.renames.get(b.path) ?? b.path) === h.path &&
        sameStatementPrefix(b.snippet, h.snippet),
    );
    if (candidate) matched.add(candidate);
    states.set(h, candidate ? 'unchanged' : 'new');
  }

  return {
    head: input.head.map((h) => ({ ...h, baselineState: states.get(h) ?? 'new' })),
    fixed: input.base.filter((b) => !matched.has(b)).map((b) => ({ ...b, baselineState: 'fixed' as const })),
  };
}

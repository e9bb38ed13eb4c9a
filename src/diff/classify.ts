import type { Finding } from '../findings/finding.ts';
import { normalizeCode } from '../findings/fingerprint.ts';
import type { LineMap } from './line-map.ts';
import { pairNearest } from './nearest-pairs.ts';

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
  /**
   * Current path → where its base lines are now, from the change's diff. Needed only where one
   * problem appears more than once in a file (`pathsWithRepeats`): it tells the copy that was there
   * from the copy the change added. Without it, positions are compared as they are.
   */
  lineMaps?: ReadonlyMap<string, LineMap>;
}

export interface Classified {
  /** The head findings, in their order, each with `baselineState` new or unchanged. */
  head: Finding[];
  /** Base findings with no counterpart now, each with `baselineState: 'fixed'`. */
  fixed: Finding[];
}

/**
 * Identity that ignores line numbers and formatting: what the code says, where it lives. It is the
 * fingerprint without its occurrence number, which counts copies from the top of the file and so
 * moves to the old copy when the change adds one above it.
 */
function contentKey(f: Finding, filePath: string): string {
  const code = f.snippet !== undefined ? normalizeCode(f.snippet) : '';
  return `${f.scanner}\u0000${f.ruleId}\u0000${filePath}\u0000${code !== '' ? `code:${code}` : `msg:${f.message}`}`;
}

/** Below this many characters a shared prefix says little: `x=` starts half the lines of a file. */
const MIN_PREFIX = 16;

function sameStatementPrefix(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const [short, long] = [normalizeCode(a), normalizeCode(b)].sort((x, y) => x.length - y.length);
  return short !== undefined && long !== undefined && short.length >= MIN_PREFIX && long.startsWith(short);
}

interface Group {
  head: Finding[];
  base: Finding[];
}

/** Head and base findings by content identity (base paths through renames); `knownUnchanged` left out. */
function groupByContent(input: ClassifyInput): Map<string, Group> {
  const groups = new Map<string, Group>();
  const groupOf = (key: string): Group => {
    let group = groups.get(key);
    if (!group) {
      group = { head: [], base: [] };
      groups.set(key, group);
    }
    return group;
  };
  for (const h of input.head) {
    if (!input.knownUnchanged?.(h)) groupOf(contentKey(h, h.path)).head.push(h);
  }
  for (const b of input.base) groupOf(contentKey(b, input.renames.get(b.path) ?? b.path)).base.push(b);
  return groups;
}

/**
 * Current paths where one problem is found more than once on a side and at least once on the
 * other: the only files whose diff the comparison needs (`lineMaps`).
 */
export function pathsWithRepeats(input: Omit<ClassifyInput, 'lineMaps'>): Set<string> {
  const paths = new Set<string>();
  for (const group of groupByContent(input).values()) {
    const h = group.head[0];
    if (h && group.base.length > 0 && group.head.length + group.base.length > 2) paths.add(h.path);
  }
  return paths;
}

/**
 * Pairs one content group's head and base findings. A base finding whose line the change left
 * alone is paired with the head finding on the line it moved to; the rest are paired by nearest
 * position, base lines placed where the diff put them. What is left of the head is new.
 */
function pairGroup(
  group: Group,
  lineMap: LineMap | undefined,
  matched: Set<Finding>,
  states: Map<Finding, 'new' | 'unchanged'>,
): void {
  let heads = group.head;
  let bases = group.base;
  const [onlyHead, onlyBase] = [heads[0], bases[0]];
  // The usual case, once on each side: nothing to tell apart.
  if (heads.length === 1 && bases.length === 1 && onlyHead && onlyBase) {
    matched.add(onlyBase);
    states.set(onlyHead, 'unchanged');
    return;
  }
  if (lineMap) {
    const byHeadLine = new Map<number, Finding[]>();
    for (const b of bases) {
      const line = lineMap.toHead(b.line);
      if (line === undefined) continue;
      const list = byHeadLine.get(line);
      if (list) list.push(b);
      else byHeadLine.set(line, [b]);
    }
    for (const h of heads) {
      const b = byHeadLine.get(h.line)?.shift();
      if (b) {
        matched.add(b);
        states.set(h, 'unchanged');
      }
    }
    heads = heads.filter((h) => !states.has(h));
    bases = bases.filter((b) => !matched.has(b));
  }
  const pairs = pairNearest(
    heads.map((h) => h.line),
    bases.map((b) => lineMap?.nearest(b.line) ?? b.line),
  );
  for (const [hi, bi] of pairs) {
    const h = heads[hi];
    const b = bases[bi];
    if (!h || !b) continue;
    matched.add(b);
    states.set(h, 'unchanged');
  }
}

/**
 * Matches findings of the scanned tree with those of the base. First by content (scanner, rule,
 * path, base paths through renames, and the matched code without whitespace, or the message when
 * there is no code): survives moved code, edits elsewhere, reformatting and renames. Equal content
 * is paired one for one, so a second copy of an old problem is new, and the copy that is new is the
 * one the change added: the old one is found where the diff moved its line (`lineMaps`), the rest by
 * nearest position. Then by one matched code being the start of the other (a statement split over
 * more lines). Base findings left over are fixed.
 */
export function classifyFindings(input: ClassifyInput): Classified {
  const matched = new Set<Finding>();
  const states = new Map<Finding, 'new' | 'unchanged'>();
  for (const h of input.head) if (input.knownUnchanged?.(h)) states.set(h, 'unchanged');

  for (const group of groupByContent(input).values()) {
    const path = group.head[0]?.path;
    if (path === undefined || group.base.length === 0) continue;
    pairGroup(group, input.lineMaps?.get(path), matched, states);
  }

  // Last, a statement reflowed over more lines than the tool's region covers (Bandit reports two
  // lines of a three-line call): the shorter matched code is a prefix of the longer one. Only the
  // same scanner, rule and file can pair, so candidates are looked up by those, not searched.
  const unmatchedBase = new Map<string, Finding[]>();
  for (const b of input.base) {
    if (matched.has(b)) continue;
    const key = [b.scanner, b.ruleId, input.renames.get(b.path) ?? b.path].join('\u0000');
    const list = unmatchedBase.get(key);
    if (list) list.push(b);
    else unmatchedBase.set(key, [b]);
  }
  for (const h of input.head) {
    if (states.has(h)) continue;
    const candidate = unmatchedBase
      .get([h.scanner, h.ruleId, h.path].join('\u0000'))
      ?.find((b) => !matched.has(b) && sameStatementPrefix(b.snippet, h.snippet));
    if (candidate) matched.add(candidate);
    states.set(h, candidate ? 'unchanged' : 'new');
  }

  return {
    head: input.head.map((h) => ({ ...h, baselineState: states.get(h) ?? 'new' })),
    fixed: input.base.filter((b) => !matched.has(b)).map((b) => ({ ...b, baselineState: 'fixed' as const })),
  };
}

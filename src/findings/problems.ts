import type { Finding } from './finding.ts';

/*
 * One finding per problem. Semgrep and Bandit both report the SQL query built with `%`, the MD5 call
 * and the hard-coded password; listed twice, with two severities, a developer reads two problems and
 * the gate judges them apart. Findings of different tools at the same place about the same weakness
 * are grouped here into one problem; which pairs are "the same weakness" is the caller's (the
 * mapping's) judgement, passed in as `related`.
 */

/** Two findings could be one problem: same file, overlapping lines, different tools. */
function samePlace(a: Finding, b: Finding): boolean {
  return (
    a.scanner !== b.scanner &&
    a.inWorkspace &&
    b.inWorkspace &&
    a.path === b.path &&
    a.line <= Math.max(b.line, b.endLine) &&
    b.line <= Math.max(a.line, a.endLine)
  );
}

/**
 * Groups findings into problems: a group holds findings linked, pair by pair, by being at the same
 * place (same file, overlapping lines) from different tools and `related` (the same weakness). Linking
 * is transitive, so Semgrep's and Bandit's findings on one line join KICS's too when each pair agrees.
 * Every finding is in exactly one group; groups keep the input order of their first member, and
 * members keep their input order. Only files reported by two or more tools are compared, and within
 * a file only findings whose lines overlap, so the cost stays near linear on large results.
 */
export function groupProblems(
  findings: readonly Finding[],
  related: (a: Finding, b: Finding) => boolean,
): Finding[][] {
  const parent = findings.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    // Path compression keeps later lookups short.
    let j = i;
    while (parent[j] !== r) {
      const next = parent[j] as number;
      parent[j] = r;
      j = next;
    }
    return r;
  };
  const byPath = new Map<string, number[]>();
  findings.forEach((f, i) => {
    if (!f.inWorkspace) return;
    const list = byPath.get(f.path);
    if (list) list.push(i);
    else byPath.set(f.path, [i]);
  });
  for (const indexes of byPath.values()) {
    if (indexes.length < 2) continue;
    const first = findings[indexes[0] as number] as Finding;
    if (indexes.every((i) => (findings[i] as Finding).scanner === first.scanner)) continue;
    // Sweep in line order: a finding is compared only with earlier ones still open at its line.
    const sorted = [...indexes].sort(
      (x, y) => (findings[x] as Finding).line - (findings[y] as Finding).line || x - y,
    );
    const open: number[] = [];
    for (const i of sorted) {
      const f = findings[i] as Finding;
      for (let k = open.length - 1; k >= 0; k--) {
        const o = findings[open[k] as number] as Finding;
        if (Math.max(o.line, o.endLine) < f.line) open.splice(k, 1);
      }
      for (const j of open) {
        const o = findings[j] as Finding;
        if (samePlace(o, f) && root(i) !== root(j) && related(o, f)) parent[root(i)] = root(j);
      }
      open.push(i);
    }
  }
  const groups = new Map<number, Finding[]>();
  findings.forEach((f, i) => {
    const r = root(i);
    const group = groups.get(r);
    if (group) group.push(f);
    else groups.set(r, [f]);
  });
  // Map iteration follows insertion, and a group is inserted at its first member.
  return [...groups.values()];
}

/**
 * The comparison with the base for a problem: existing when any of its tools found it at the base
 * (a tool newly added to the run does not make old debt new), new when all that compared call it new.
 */
export function problemBaselineState(members: readonly Finding[]): Finding['baselineState'] {
  if (members.some((f) => f.baselineState === 'unchanged')) return 'unchanged';
  if (members.some((f) => f.baselineState === 'new')) return 'new';
  return members[0]?.baselineState;
}

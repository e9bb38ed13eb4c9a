/**
 * A general ordering of package versions, enough to pick which fixed version to name: OSV-Scanner
 * has already decided, with each ecosystem's own rules, that the installed version is affected.
 * Numbers compare as numbers; a pre-release tag (alpha, beta, rc, dev, SNAPSHOT, `-anything`) sorts
 * before its release, a post-release (`.post1`) after it; build metadata (`+…`) is ignored.
 */
export function compareVersions(a: string, b: string): number {
  const ta = tokens(a);
  const tb = tokens(b);
  for (let i = 0; i < Math.max(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === undefined) return y === undefined ? 0 : 0 - tail(y) || 0;
    if (y === undefined) return tail(x);
    const order = compareToken(x, y);
    if (order !== 0) return order;
  }
  return 0;
}

/** What a version is that goes on with `token` where the other stopped: later (1) or earlier (-1). */
function tail(token: string | number): number {
  if (typeof token === 'number') return token === 0 ? 0 : 1;
  const r = rank(token);
  return r > RELEASE ? 1 : r === RELEASE ? 0 : -1;
}

const RELEASE = 10;

/** Qualifiers in release order; an unknown word counts as a pre-release tag. */
function rank(word: string): number {
  switch (word) {
    case 'dev':
    case 'snapshot':
      return 1;
    case 'a':
    case 'alpha':
      return 2;
    case 'b':
    case 'beta':
      return 3;
    case 'c':
    case 'rc':
    case 'cr':
    case 'pre':
      return 4;
    case 'final':
    case 'ga':
    case 'release':
      return RELEASE;
    case 'post':
    case 'r':
    case 'rev':
    case 'sp':
      return 11;
    default:
      return 5;
  }
}

function compareToken(x: string | number, y: string | number): number {
  if (typeof x === 'number' && typeof y === 'number') return Math.sign(x - y);
  if (typeof x === 'number') return rank(y as string) > RELEASE ? -1 : 1;
  if (typeof y === 'number') return rank(x) > RELEASE ? 1 : -1;
  return Math.sign(rank(x) - rank(y)) || (x < y ? -1 : x > y ? 1 : 0);
}

function tokens(version: string): (string | number)[] {
  const core =
    version
      .trim()
      .replace(/^v(?=\d)/i, '')
      .split('+')[0] ?? '';
  return (core.toLowerCase().match(/\d+|[a-z]+/g) ?? []).map((t) => (/^\d/.test(t) ? Number(t) : t));
}

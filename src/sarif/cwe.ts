/** Tag forms tools use for CWE ids: `external/cwe/cwe-89` (CodeQL, Bandit), `CWE-89: …` (Semgrep). */
const CWE_TAG = /^(?:external\/cwe\/)?cwe[-_ ]?(\d+)\b/i;

/** Returns "CWE-<n>" for a tag or id that names a CWE; Bandit's `cwe-None` and the like give nothing. */
export function cweFromTag(tag: string): string | undefined {
  const match = CWE_TAG.exec(tag.trim());
  return match ? `CWE-${Number.parseInt(match[1] ?? '', 10)}` : undefined;
}

/** A taxon id from a CWE taxonomy: KICS writes bare numbers ("668"), others "CWE-668". */
export function cweFromTaxonId(id: string): string | undefined {
  const trimmed = id.trim();
  if (/^\d+$/.test(trimmed)) return `CWE-${Number.parseInt(trimmed, 10)}`;
  return cweFromTag(trimmed);
}

/** Collects CWE ids from property values that may be a string or a list (e.g. `cwe: [...]`). */
export function cwesFromProperty(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => (typeof v === 'string' ? (cweFromTag(v) ?? []) : []));
}

/** Sorts CWE ids numerically and drops duplicates. */
export function sortCwes(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}

/** The other tools' findings of a merged problem: its `sources` but the main finding (listed first). */
export function otherSources<T extends { fingerprint: string }>(f: {
  fingerprint: string;
  sources?: readonly T[];
}): T[] {
  return (f.sources ?? []).filter((s) => s.fingerprint !== f.fingerprint);
}

/** The fields that name a finding's rule. */
export interface RuleNamed {
  ruleId: string;
  ruleName?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The rule as its users know it: the id (`B324`, `controlgate.python.weak-hash`), which is what they
 * look up, write in `# nosec B324` and in waivers; Bandit's short name (`hashlib`) says less. A KICS
 * query is known by its name: its id is a UUID nobody reads.
 */
export function ruleLabel(f: RuleNamed): string {
  return f.ruleName && UUID.test(f.ruleId) ? f.ruleName : f.ruleId;
}

/**
 * Where the built-in scanners document their rules. A PR comment links a rule to its documentation
 * only on these hosts: a helpUri is the scanner's (or an imported SARIF file's) text, and a comment
 * must not carry a link that scanned content chose. The HTML report, read in the evidence, links any
 * http(s) helpUri.
 */
export const RULE_DOCS_HOSTS: readonly string[] = [
  'bandit.readthedocs.io',
  'docs.kics.io',
  'semgrep.dev',
  'cwe.mitre.org',
  'owasp.org',
  'cheatsheetseries.owasp.org',
  // KICS links a query to the platform's own documentation of the setting it checks.
  'kubernetes.io',
  'registry.terraform.io',
  'developer.hashicorp.com',
  'www.terraform.io',
  'docs.docker.com',
  'docs.aws.amazon.com',
  'learn.microsoft.com',
  'docs.microsoft.com',
  'cloud.google.com',
];

/** The rule's documentation address when it is https on a known documentation host. */
export function ruleDocsUrl(helpUri: string | null | undefined): string | undefined {
  if (!helpUri) return undefined;
  try {
    const url = new URL(helpUri);
    return url.protocol === 'https:' &&
      RULE_DOCS_HOSTS.includes(url.hostname) &&
      !url.username &&
      !url.password
      ? url.href
      : undefined;
  } catch {
    return undefined;
  }
}

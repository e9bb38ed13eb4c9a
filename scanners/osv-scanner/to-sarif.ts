import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { normalizePypiName, packageLine } from './package-lines.ts';
import { compareVersions } from './versions.ts';

/**
 * The `partialFingerprints` key normalization reads a result's identity from (IDENTITY_FINGERPRINT in
 * src/sarif/normalize.ts, a higher layer than this folder; a unit test keeps the two equal).
 */
export const IDENTITY_KEY = 'controlgate/identity/v1';

/** The part of OSV-Scanner's `--format json` report read here. */
export interface OsvReport {
  results?: {
    source?: { path?: string; type?: string };
    packages?: OsvPackage[];
  }[];
}

export interface OsvPackage {
  package?: { name?: string; version?: string; ecosystem?: string };
  groups?: { ids?: string[]; aliases?: string[]; max_severity?: string }[];
  vulnerabilities?: OsvRecord[];
}

/** An OSV record as the report carries it (https://ossf.github.io/osv-schema/). */
export interface OsvRecord {
  id?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  affected?: {
    package?: { ecosystem?: string; name?: string };
    ranges?: { type?: string; events?: Record<string, string>[] }[];
  }[];
  database_specific?: { severity?: unknown; cwe_ids?: unknown };
}

/**
 * Security severity (CVSS-like, 0–10) for an advisory with a qualitative rating but no CVSS score:
 * a value inside each rating's CVSS v3 band (low 0.1–3.9, medium 4.0–6.9, high 7.0–8.9, critical
 * 9.0–10), so it lands in the same severity as a scored advisory of that rating would.
 */
const RATED: Readonly<Record<string, number>> = {
  LOW: 3.0,
  MODERATE: 5.5,
  MEDIUM: 5.5,
  HIGH: 7.5,
  CRITICAL: 9.5,
};

/**
 * For an advisory with neither: medium. It is a published vulnerability, so never below that, and
 * nothing says it is worse.
 */
export const UNRATED_SEVERITY = 5.5;

/** The advisory id a group is known by: its GHSA id when it has one (the id most tools and people use), else its first id. */
export function primaryId(ids: readonly string[], aliases: readonly string[]): string {
  const ghsa = [...ids, ...aliases].filter((id) => id.startsWith('GHSA-')).sort()[0];
  return ghsa ?? [...ids].sort()[0] ?? aliases[0] ?? 'OSV-UNKNOWN';
}

function sameName(ecosystem: string, a: string, b: string): boolean {
  return ecosystem === 'PyPI' ? normalizePypiName(a) === normalizePypiName(b) : a === b;
}

/**
 * The version to upgrade to: the lowest `fixed` above the installed version among the advisory's
 * ranges for this package. For a group of records (aliases of one advisory), the highest of their
 * answers, so the upgrade leaves every one of them; undefined when none names a fix.
 */
export function fixedVersion(
  records: readonly OsvRecord[],
  ecosystem: string,
  name: string,
  installed: string,
): string | undefined {
  const perRecord = records.flatMap((record) => {
    const fixes = (record.affected ?? [])
      .filter((a) => a.package?.ecosystem === ecosystem && sameName(ecosystem, a.package?.name ?? '', name))
      .flatMap((a) => a.ranges ?? [])
      // Git ranges name commits, not versions.
      .filter((range) => range.type !== 'GIT')
      .flatMap((range) => (range.events ?? []).flatMap((event) => (event.fixed ? [event.fixed] : [])))
      .filter((fixed) => compareVersions(fixed, installed) > 0)
      .sort(compareVersions);
    return fixes[0] === undefined ? [] : [fixes[0]];
  });
  return perRecord.sort(compareVersions).at(-1);
}

/** The group's security severity: OSV-Scanner's CVSS base score, else the rating mapped, else medium. */
export function securitySeverity(maxSeverity: string | undefined, records: readonly OsvRecord[]): number {
  const score = maxSeverity ? Number(maxSeverity) : Number.NaN;
  if (Number.isFinite(score) && score > 0) return score;
  const rated = records
    .map((r) => r.database_specific?.severity)
    .flatMap((s) =>
      typeof s === 'string' && RATED[s.toUpperCase()] !== undefined ? [RATED[s.toUpperCase()] ?? 0] : [],
    );
  return rated.length > 0 ? Math.max(...rated) : UNRATED_SEVERITY;
}

function cwesOf(records: readonly OsvRecord[]): string[] {
  const cwes = records.flatMap((r) => {
    const ids = r.database_specific?.cwe_ids;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  });
  return [...new Set(cwes)].sort();
}

/**
 * What the PR comment shows: the way out first ("Upgrade X from 1.2 to 1.3"), then the advisory's
 * other ids (its CVE) and what it is about. The advisory's own id is the finding's rule, shown beside
 * it; kept short, the message fits the comment's table row instead of a numbered note below it.
 */
export function findingMessage(o: {
  name: string;
  version: string;
  /** The advisory's other ids (aliases), its rule id left out. */
  aliases: readonly string[];
  summary: string | undefined;
  fixed: string | undefined;
}): string {
  const about = [o.aliases.join(', '), o.summary].filter((part) => part).join(': ');
  const remedy = o.fixed
    ? `Upgrade ${o.name} from ${o.version} to ${o.fixed}`
    : `No fixed version of ${o.name} is known; ${o.version} is vulnerable`;
  return about ? `${remedy} (${about}).` : `${remedy}.`;
}

/** Aliases with the CVE ids first: the ones people search for. */
function preferCve(ids: readonly string[]): string[] {
  return [...ids.filter((id) => id.startsWith('CVE-')), ...ids.filter((id) => !id.startsWith('CVE-'))];
}

/** Ecosystem, package and advisory; a Python name in its normal form, as lockfiles spell it differently. */
export function identityOf(ecosystem: string, name: string, advisory: string): string {
  return `${ecosystem}/${ecosystem === 'PyPI' ? normalizePypiName(name) : name}/${advisory}`;
}

function level(severity: number): Sarif.Result.level {
  return severity >= 7 ? 'error' : severity >= 4 ? 'warning' : 'note';
}

/**
 * A SARIF log from OSV-Scanner's JSON report: one result per lockfile, package version and advisory
 * group, located on the package's entry in the lockfile, with the fixed version in its message and
 * an identity of ecosystem, package and advisory, so a reordered lockfile or a bump that stays
 * vulnerable keeps the finding (and a bump out of the range fixes it). `readText` reads a lockfile;
 * paths are written relative to `cwd`. The tool's version is the runner's to add: the report has none.
 */
export async function osvReportToSarif(
  report: OsvReport,
  cwd: string,
  readText: (file: string) => Promise<string | undefined> = readTextOrUndefined,
): Promise<Sarif.Log> {
  const rules = new Map<string, Sarif.ReportingDescriptor>();
  const results: Sarif.Result[] = [];
  const seen = new Set<string>();
  for (const source of report.results ?? []) {
    const file = source.source?.path;
    if (!file) continue;
    const absolute = path.resolve(cwd, file);
    const text = (await readText(absolute)) ?? '';
    const uri = path.relative(cwd, absolute).split(path.sep).join('/');
    for (const pkg of source.packages ?? []) {
      const name = pkg.package?.name ?? '';
      const installed = pkg.package?.version ?? '';
      const ecosystem = pkg.package?.ecosystem ?? '';
      const records = pkg.vulnerabilities ?? [];
      for (const group of pkg.groups ?? []) {
        const ids = group.ids ?? [];
        const members = records.filter((r) => r.id !== undefined && ids.includes(r.id));
        const aliases = [...new Set([...ids, ...(group.aliases ?? [])])].sort();
        const ruleId = primaryId(ids, aliases);
        // The same package version listed twice (a requirement repeated) is one finding.
        const key = [uri, ecosystem, name, installed, ruleId].join('\u0000');
        if (seen.has(key)) continue;
        seen.add(key);
        const severity = securitySeverity(group.max_severity, members);
        const summary = members.map((r) => r.summary?.trim()).find((s) => s);
        const fixed = fixedVersion(members, ecosystem, name, installed);
        const others = aliases.filter((id) => id !== ruleId);
        const cwe = cwesOf(members);
        if (!rules.has(ruleId)) {
          rules.set(ruleId, {
            id: ruleId,
            name: ruleId,
            shortDescription: { text: summary ?? `${ruleId} in ${name}` },
            helpUri: `https://osv.dev/vulnerability/${ruleId}`,
            defaultConfiguration: { level: level(severity) },
            properties: {
              'security-severity': severity.toFixed(1),
              tags: ['security', 'vulnerability', 'dependency', ...others],
              aliases: others,
              ...(cwe.length > 0 ? { cwe } : {}),
            },
          });
        }
        results.push({
          ruleId,
          level: level(severity),
          message: {
            text: findingMessage({ name, version: installed, aliases: preferCve(others), summary, fixed }),
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri },
                region: { startLine: packageLine(absolute, text, name, installed) },
              },
            },
          ],
          partialFingerprints: { [IDENTITY_KEY]: identityOf(ecosystem, name, ruleId) },
          properties: {
            package: { ecosystem, name, version: installed },
            fixedVersions: fixed ? [fixed] : [],
            advisories: aliases,
          },
        });
      }
    }
  }
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'OSV-Scanner',
            informationUri: 'https://google.github.io/osv-scanner/',
            rules: [...rules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
          },
        },
        results,
      },
    ],
  };
}

async function readTextOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

import { writeOsvDatabase as writeDatabase } from '../../scripts/osv-database.ts';

/*
 * An offline OSV database for tests, in osv.dev's own export format: one `<Ecosystem>/all.zip` per
 * ecosystem holding one OSV record per `<id>.json`. The advisory ids, packages and fixed versions
 * are real ones; the summaries are written here.
 */

/** One OSV record (https://ossf.github.io/osv-schema/), as much of it as OSV-Scanner reads. */
export interface OsvTestRecord {
  id: string;
  modified: string;
  aliases?: string[];
  summary: string;
  affected: {
    package: { ecosystem: string; name: string };
    ranges: { type: 'SEMVER' | 'ECOSYSTEM'; events: Record<string, string>[] }[];
  }[];
  severity?: { type: string; score: string }[];
  database_specific?: { severity?: string; cwe_ids?: string[] };
}

function advisory(
  id: string,
  ecosystem: string,
  name: string,
  range: { introduced: string; fixed?: string },
  more: Partial<OsvTestRecord> & { summary: string; modified: string },
): OsvTestRecord {
  const events: Record<string, string>[] = [{ introduced: range.introduced }];
  if (range.fixed) events.push({ fixed: range.fixed });
  return {
    id,
    ...more,
    affected: [
      {
        package: { ecosystem, name },
        ranges: [{ type: ecosystem === 'npm' || ecosystem === 'Go' ? 'SEMVER' : 'ECOSYSTEM', events }],
      },
    ],
  };
}

/** lodash before 4.17.21: command injection through `template` (scored, rated high). */
export const LODASH_TEMPLATE = advisory(
  'GHSA-35jh-r3h4-6jhm',
  'npm',
  'lodash',
  { introduced: '0', fixed: '4.17.21' },
  {
    modified: '2024-03-01T10:00:00Z',
    aliases: ['CVE-2021-23337'],
    summary: 'Command injection through the template function of lodash',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
    database_specific: { severity: 'HIGH', cwe_ids: ['CWE-77', 'CWE-94'] },
  },
);

/** lodash 4.0.0 to 4.17.20: slow regular expressions in trim functions (rated moderate, no score). */
export const LODASH_REDOS = advisory(
  'GHSA-29mw-wpgm-hmr9',
  'npm',
  'lodash',
  { introduced: '4.0.0', fixed: '4.17.21' },
  {
    modified: '2023-11-20T08:30:00Z',
    aliases: ['CVE-2020-28500'],
    summary: 'Regular expression denial of service in lodash trim functions',
    database_specific: { severity: 'MODERATE', cwe_ids: ['CWE-400'] },
  },
);

/** Jinja2 before 2.11.3: a slow regular expression in its urlize filter (PyPA's record, no rating). */
export const JINJA2_REDOS = advisory(
  'PYSEC-2021-66',
  'PyPI',
  'jinja2',
  { introduced: '0', fixed: '2.11.3' },
  {
    modified: '2024-05-02T12:00:00Z',
    aliases: ['CVE-2020-28493', 'GHSA-g3rq-g295-4j3m'],
    summary: 'Regular expression denial of service in the urlize filter of Jinja2',
  },
);

/** golang.org/x/text before 0.3.8: a crafted Accept-Language header makes parsing very slow. */
export const X_TEXT_DOS = advisory(
  'GO-2022-1059',
  'Go',
  'golang.org/x/text',
  { introduced: '0', fixed: '0.3.8' },
  {
    modified: '2024-05-20T16:03:47Z',
    aliases: ['CVE-2022-32149', 'GHSA-69ch-w2m2-3vjp'],
    summary: 'Slow parsing of crafted Accept-Language headers in golang.org/x/text/language',
  },
);

export const ALL_TEST_ADVISORIES: readonly OsvTestRecord[] = [
  LODASH_TEMPLATE,
  LODASH_REDOS,
  JINJA2_REDOS,
  X_TEXT_DOS,
];

/** Writes the records (all of the above by default) as a database folder; see scripts/osv-database.ts. */
export function writeOsvDatabase(
  dir: string,
  records: readonly OsvTestRecord[] = ALL_TEST_ADVISORIES,
  layout: 'export' | 'osv-scalibr' = 'export',
): string {
  return writeDatabase(dir, records, layout);
}

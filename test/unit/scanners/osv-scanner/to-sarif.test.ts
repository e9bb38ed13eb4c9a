import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findingMessage,
  fixedVersion,
  IDENTITY_KEY,
  identityOf,
  type OsvRecord,
  type OsvReport,
  osvReportToSarif,
  primaryId,
  securitySeverity,
  UNRATED_SEVERITY,
} from '../../../../scanners/osv-scanner/to-sarif.ts';
import { IDENTITY_FINGERPRINT } from '../../../../src/sarif/normalize.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'osv-scanner');

/** OSV-Scanner 2.5.0's real report on the fixture project (scripts/record-osv-fixture.ts), moved to this checkout. */
function recordedReport(): OsvReport {
  return JSON.parse(readFileSync(path.join(FIXTURES, 'report.json'), 'utf8').replaceAll('<root>', REPO_ROOT));
}

describe('osvReportToSarif on a recorded report', () => {
  it('writes one result per lockfile, package version and advisory, on the package entry, with the upgrade to make', async () => {
    const log = await osvReportToSarif(recordedReport(), REPO_ROOT);
    const results = log.runs[0]?.results ?? [];
    const summary = results.map((r) => ({
      rule: r.ruleId,
      file: r.locations?.[0]?.physicalLocation?.artifactLocation?.uri,
      line: r.locations?.[0]?.physicalLocation?.region?.startLine,
      identity: r.partialFingerprints?.[IDENTITY_FINGERPRINT],
    }));
    const project = 'test/fixtures/osv-scanner/project';
    expect(summary).toEqual(
      expect.arrayContaining([
        {
          rule: 'GHSA-g3rq-g295-4j3m',
          file: `${project}/api/requirements.txt`,
          line: 3,
          identity: 'PyPI/jinja2/GHSA-g3rq-g295-4j3m',
        },
        {
          rule: 'GHSA-69ch-w2m2-3vjp',
          file: `${project}/svc/go.mod`,
          line: 7,
          identity: 'Go/golang.org/x/text/GHSA-69ch-w2m2-3vjp',
        },
        {
          rule: 'GHSA-35jh-r3h4-6jhm',
          file: `${project}/web/package-lock.json`,
          line: 27,
          identity: 'npm/lodash/GHSA-35jh-r3h4-6jhm',
        },
        {
          rule: 'GHSA-35jh-r3h4-6jhm',
          file: `${project}/web/package-lock.json`,
          line: 31,
          identity: 'npm/lodash/GHSA-35jh-r3h4-6jhm',
        },
        {
          rule: 'GHSA-29mw-wpgm-hmr9',
          file: `${project}/web/package-lock.json`,
          line: 31,
          identity: 'npm/lodash/GHSA-29mw-wpgm-hmr9',
        },
        {
          rule: 'GHSA-g3rq-g295-4j3m',
          file: `${project}/worker/poetry.lock`,
          line: 9,
          identity: 'PyPI/jinja2/GHSA-g3rq-g295-4j3m',
        },
      ]),
    );
    // uv.lock pins the fixed Jinja2 2.11.3, so it has nothing.
    expect(results).toHaveLength(7);
    expect(summary.some((s) => s.file?.endsWith('uv.lock'))).toBe(false);

    const lodash = results.find(
      (r) =>
        r.ruleId === 'GHSA-35jh-r3h4-6jhm' && r.locations?.[0]?.physicalLocation?.region?.startLine === 31,
    );
    expect(lodash?.message.text).toBe(
      'Upgrade lodash from 4.17.20 to 4.17.21 (CVE-2021-23337: Command injection through the template function of lodash).',
    );
    expect(lodash?.properties).toEqual({
      package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20' },
      fixedVersions: ['4.17.21'],
      advisories: ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'],
    });
    expect(lodash?.level).toBe('error');
  });

  it('describes each advisory once as a rule: summary, osv.dev link, severity, CWEs and aliases', async () => {
    const log = await osvReportToSarif(recordedReport(), REPO_ROOT);
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual([
      'GHSA-29mw-wpgm-hmr9',
      'GHSA-35jh-r3h4-6jhm',
      'GHSA-69ch-w2m2-3vjp',
      'GHSA-g3rq-g295-4j3m',
    ]);
    const template = rules.find((r) => r.id === 'GHSA-35jh-r3h4-6jhm');
    expect(template?.shortDescription?.text).toBe(
      'Command injection through the template function of lodash',
    );
    expect(template?.helpUri).toBe('https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm');
    // OSV-Scanner's CVSS base score of the record's vector.
    expect(template?.properties?.['security-severity']).toBe('7.2');
    expect(template?.properties?.cwe).toEqual(['CWE-77', 'CWE-94']);
    expect(template?.properties?.tags).toContain('CVE-2021-23337');
    // Rated MODERATE without a score.
    expect(rules.find((r) => r.id === 'GHSA-29mw-wpgm-hmr9')?.properties?.['security-severity']).toBe('5.5');
  });

  it('keeps every identity when the lockfile lists its packages in another order', async () => {
    const report = recordedReport();
    const reordered: OsvReport = {
      results: [...(report.results ?? [])]
        .reverse()
        .map((r) => ({ ...r, packages: [...(r.packages ?? [])].reverse() })),
    };
    const identities = async (r: OsvReport) =>
      ((await osvReportToSarif(r, REPO_ROOT)).runs[0]?.results ?? [])
        .map(
          (x) =>
            `${x.locations?.[0]?.physicalLocation?.artifactLocation?.uri} ${x.partialFingerprints?.[IDENTITY_FINGERPRINT]}`,
        )
        .sort();
    expect(await identities(reordered)).toEqual(await identities(report));
  });

  it('keeps a package listed twice in one file once', async () => {
    const report = recordedReport();
    const requirements = report.results?.find((r) => r.source?.path?.endsWith('requirements.txt'));
    const doubled: OsvReport = {
      results: [
        { ...requirements, packages: [...(requirements?.packages ?? []), ...(requirements?.packages ?? [])] },
      ],
    };
    expect((await osvReportToSarif(doubled, REPO_ROOT)).runs[0]?.results).toHaveLength(1);
  });
});

const record = (id: string, events: Record<string, string>[], name = 'lodash'): OsvRecord => ({
  id,
  affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events }] }],
});

describe('fixedVersion', () => {
  it('names the lowest fix above the installed version, over every range', () => {
    const r = record('GHSA-x', [
      { introduced: '0' },
      { fixed: '3.10.0' },
      { introduced: '4.0.0' },
      { fixed: '4.17.21' },
    ]);
    expect(fixedVersion([r], 'npm', 'lodash', '4.17.20')).toBe('4.17.21');
    expect(fixedVersion([r], 'npm', 'lodash', '3.9.0')).toBe('3.10.0');
  });

  it('takes the highest answer of a group, so the upgrade leaves every record of it', () => {
    const a = record('GHSA-a', [{ introduced: '0' }, { fixed: '4.17.19' }]);
    const b = record('GHSA-b', [{ introduced: '0' }, { fixed: '4.17.21' }]);
    expect(fixedVersion([a, b], 'npm', 'lodash', '4.17.15')).toBe('4.17.21');
  });

  it('knows none when the ranges name no fix, or only for another package', () => {
    expect(
      fixedVersion(
        [record('GHSA-x', [{ introduced: '0' }, { last_affected: '4.17.21' }])],
        'npm',
        'lodash',
        '4.17.20',
      ),
    ).toBeUndefined();
    expect(
      fixedVersion(
        [record('GHSA-x', [{ introduced: '0' }, { fixed: '9.0.0' }], 'underscore')],
        'npm',
        'lodash',
        '4.17.20',
      ),
    ).toBeUndefined();
  });

  it('matches a Python package whatever its spelling', () => {
    const r: OsvRecord = {
      id: 'PYSEC-x',
      affected: [
        {
          package: { ecosystem: 'PyPI', name: 'Jinja2' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.11.3' }] }],
        },
      ],
    };
    expect(fixedVersion([r], 'PyPI', 'jinja2', '2.11.2')).toBe('2.11.3');
  });
});

describe('findingMessage', () => {
  it('says when no fixed version is known', () => {
    expect(
      findingMessage({ name: 'x', version: '1.0', aliases: [], summary: undefined, fixed: undefined }),
    ).toBe('No fixed version of x is known; 1.0 is vulnerable.');
  });

  it('puts the way out first, then the other ids and the summary', () => {
    expect(
      findingMessage({
        name: 'pyyaml',
        version: '5.3.1',
        aliases: ['CVE-2020-14343', 'PYSEC-2021-142'],
        summary: 'arbitrary objects from YAML',
        fixed: '5.4',
      }),
    ).toBe('Upgrade pyyaml from 5.3.1 to 5.4 (CVE-2020-14343, PYSEC-2021-142: arbitrary objects from YAML).');
  });
});

describe('securitySeverity', () => {
  it('takes the CVSS score, else the rating, else medium', () => {
    expect(securitySeverity('9.8', [])).toBe(9.8);
    expect(securitySeverity('', [{ database_specific: { severity: 'CRITICAL' } }])).toBe(9.5);
    expect(securitySeverity('', [{ database_specific: { severity: 'low' } }])).toBe(3);
    expect(securitySeverity('', [{}])).toBe(UNRATED_SEVERITY);
  });
});

describe('primaryId and identityOf', () => {
  it('writes the identity under the key normalization reads', () => {
    expect(IDENTITY_KEY).toBe(IDENTITY_FINGERPRINT);
  });

  it('prefers the GHSA id, among the ids or their aliases', () => {
    expect(primaryId(['PYSEC-2021-66'], ['CVE-2020-28493', 'GHSA-g3rq-g295-4j3m', 'PYSEC-2021-66'])).toBe(
      'GHSA-g3rq-g295-4j3m',
    );
    expect(primaryId(['RUSTSEC-2020-1', 'PYSEC-1'], ['CVE-1'])).toBe('PYSEC-1');
  });

  it('spells a Python package in its normal form', () => {
    expect(identityOf('PyPI', 'Jinja2', 'GHSA-x')).toBe('PyPI/jinja2/GHSA-x');
    expect(identityOf('npm', 'Lodash', 'GHSA-x')).toBe('npm/Lodash/GHSA-x');
  });
});

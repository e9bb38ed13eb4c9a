import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunFacts } from '../../src/report/run-facts.ts';
import { runCli } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';

const EXPECTED_FILES = [
  'controlgate.json',
  'controls.json',
  'coverage.json',
  'inputs/catalog.yml',
  'inputs/config.effective.json',
  'inputs/mapping.yml',
  'inputs/policy/.controlgate.yml',
  'inputs/scanners.json',
  'manifest.json',
  'oscal/assessment-plan.json',
  'oscal/assessment-results.json',
  'oscal/catalog.json',
  'oscal/profile.json',
  'oscal/system-security-plan.json',
  'report.html',
  'run.json',
  'sarif/merged.sarif',
  'sarif/raw/bandit.sarif',
  'sarif/raw/gitleaks.sarif',
  'sarif/raw/kics.sarif',
  'sarif/raw/osv-scanner.sarif',
  'sarif/raw/semgrep.sarif',
];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/** Secret values planted in the example app, read from its files. */
function plantedSecrets(): string[] {
  const root = path.resolve('examples/vulnerable-app');
  const secrets = [
    'Inv3ntory-Demo-Only-Not-Real',
    'Storefront-Demo-Only-Not-Real',
    'AKIAZ7Q3DEMOFAKEK3Y9',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ];
  const token = /ghp_[A-Za-z0-9]{36}/.exec(readFileSync(path.join(root, 'web/config.js'), 'utf8'));
  if (token) secrets.push(token[0]);
  for (const line of readFileSync(path.join(root, 'config/dev-key.pem'), 'utf8').split('\n')) {
    if (line.length > 20 && !line.startsWith('-----')) secrets.push(line.trim());
  }
  return secrets;
}

describe('the evidence bundle of the example-app scan', () => {
  const scan = inject('exampleScan');
  const bundle = path.join(scan.outDir, 'evidence');
  const zip = path.join(scan.outDir, 'evidence.zip');
  let facts: RunFacts;

  beforeAll(() => {
    facts = JSON.parse(readFileSync(path.join(bundle, 'run.json'), 'utf8')) as RunFacts;
  });

  /** Every file: the fixed ones, and one under inputs/rules/ per rule file the run's facts hashed. */
  function expectedFiles(): string[] {
    const rules = facts.hashes.rulePacks.map((r) => `inputs/rules/semgrep/${r.path}`);
    return [...EXPECTED_FILES, ...rules].sort();
  }

  it('holds every promised file, and the zip holds the same bytes', () => {
    const expected = expectedFiles();
    expect(listFiles(bundle)).toEqual(expected);
    const entries = unzipSync(new Uint8Array(readFileSync(zip)));
    expect(Object.keys(entries).sort()).toEqual(expected);
    for (const name of expected)
      expect(Buffer.from(entries[name] ?? []).equals(readFileSync(path.join(bundle, name))), name).toBe(true);
  });

  it('records the run: versions, arguments, exit codes and the hashes of every input', () => {
    expect(facts.decision).toBe('block');
    expect(facts.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(facts.scanners.map((s) => [s.id, s.status])).toEqual([
      ['semgrep', 'ok'],
      ['bandit', 'ok'],
      ['kics', 'ok'],
      ['gitleaks', 'ok'],
      ['osv-scanner', 'ok'],
    ]);
    for (const s of facts.scanners.filter((x) => x.status !== 'skipped')) {
      expect(s.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(s.command?.length).toBeGreaterThan(2);
      expect(s.command?.join(' ')).not.toContain(path.resolve('.'));
      expect(typeof s.exitCode).toBe('number');
    }
    expect(facts.hashes.config?.file).toBe('.controlgate.yml');
    expect(facts.hashes.mapping.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(facts.hashes.catalog.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(facts.hashes.rulePacks.length).toBeGreaterThanOrEqual(20);
    expect(
      facts.hashes.rulePacks.every(
        (r) => r.path.startsWith('scanners/semgrep/rules/') && /^[0-9a-f]{64}$/.test(r.sha256),
      ),
    ).toBe(true);
  });

  it('holds the content of every input it hashes, the tools it ran with, and the mapping row of each finding', () => {
    const sha = (file: string) =>
      createHash('sha256')
        .update(readFileSync(path.join(bundle, file)))
        .digest('hex');
    expect(sha('inputs/policy/.controlgate.yml')).toBe(facts.hashes.config?.sha256);
    expect(sha('inputs/catalog.yml')).toBe(facts.hashes.catalog.sha256);
    expect(sha('inputs/mapping.yml')).toBe(facts.hashes.mapping.sha256);
    for (const rule of facts.hashes.rulePacks)
      expect(sha(`inputs/rules/semgrep/${rule.path}`), rule.path).toBe(rule.sha256);
    const effective = JSON.parse(readFileSync(path.join(bundle, 'inputs/config.effective.json'), 'utf8'));
    expect(effective.policy).toMatchObject({ mode: expect.any(String), severity: expect.any(String) });
    const tools = JSON.parse(readFileSync(path.join(bundle, 'inputs/scanners.json'), 'utf8')) as {
      id: string;
      executable: { sha256: string } | null;
      installRecord: { sha256: string; files: number } | null;
      queries?: { sha256: string; count: number };
      database?: unknown;
    }[];
    expect(tools.map((t) => t.id)).toEqual(['semgrep', 'bandit', 'kics', 'gitleaks', 'osv-scanner']);
    for (const t of tools) {
      expect(t.executable?.sha256, t.id).toMatch(/^[0-9a-f]{64}$/);
      // The venv and KICS record thousands of files; a Go binary's folder records the binary alone.
      expect(t.installRecord?.files, t.id).toBeGreaterThanOrEqual(
        ['gitleaks', 'osv-scanner'].includes(t.id) ? 1 : 10,
      );
    }
    // The advisory database OSV-Scanner matched against: the demo's, offline, with its newest record's date.
    expect(tools.find((t) => t.id === 'osv-scanner')?.database).toMatchObject({
      kind: 'offline',
      snapshot: '2026-11-30T00:00:00Z',
      files: [
        { path: 'PyPI/all.zip', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), records: 1 },
        { path: 'npm/all.zip', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), records: 1 },
      ],
    });
    expect(tools.find((t) => t.id === 'kics')?.queries?.count).toBeGreaterThan(1000);
    expect(facts.failMode).toEqual({ setting: 'auto', applied: 'enforce', because: null });
    const report = JSON.parse(readFileSync(path.join(bundle, 'controlgate.json'), 'utf8')) as {
      findings: {
        mappingLayer: string | null;
        unmapped: boolean;
        mappingRows?: { layer: string; index: number }[];
      }[];
    };
    const mapped = report.findings.filter((f) => !f.unmapped);
    expect(mapped.length).toBeGreaterThan(10);
    for (const f of mapped) {
      expect(f.mappingRows?.length, JSON.stringify(f)).toBeGreaterThan(0);
      expect(f.mappingRows?.every((r) => r.layer === f.mappingLayer)).toBe(true);
    }
  });

  it('contains no planted secret in any file of the folder or the zip', () => {
    const texts = [
      ...listFiles(bundle).map((f) => readFileSync(path.join(bundle, f), 'utf8')),
      ...Object.values(unzipSync(new Uint8Array(readFileSync(zip)))).map((b) =>
        Buffer.from(b).toString('utf8'),
      ),
    ];
    for (const secret of plantedSecrets())
      for (const text of texts) expect(text.includes(secret), secret.slice(0, 6)).toBe(false);
  });

  it('verifies intact, as a folder and as a zip', () => {
    for (const location of [bundle, zip]) {
      const run = runCli(['evidence', 'verify', location]);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(
          `intact — ${expectedFiles().length - 1} files match the manifest, bundle digest sha256:[0-9a-f]{64}`,
        ),
      );
    }
  });

  it('catches a changed byte, a removed file and an added file, naming the file', async () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      [
        'changed byte',
        (dir) => {
          const file = path.join(dir, 'controls.json');
          const bytes = readFileSync(file);
          bytes[100] = (bytes[100] ?? 0) ^ 1;
          writeFileSync(file, bytes);
        },
        /controls\.json: content changed/,
      ],
      ['removed file', (dir) => rmSync(path.join(dir, 'report.html')), /report\.html: missing/],
      [
        'added file',
        (dir) => writeFileSync(path.join(dir, 'extra.txt'), 'x'),
        /extra\.txt: not in the manifest/,
      ],
    ];
    for (const [name, tamper, message] of cases) {
      const copy = await mkdtemp(path.join(os.tmpdir(), 'controlgate-tamper-'));
      cpSync(bundle, copy, { recursive: true });
      tamper(copy);
      const run = runCli(['evidence', 'verify', copy]);
      expect(run.exitCode, name).toBe(1);
      expect(run.stdout, name).toMatch(message);
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('keeps waivers and suppressions as SARIF suppressions in the merged log', () => {
    const merged = JSON.parse(readFileSync(path.join(bundle, 'sarif', 'merged.sarif'), 'utf8')) as {
      runs: { results: { suppressions?: { kind: string; justification?: string }[] }[] }[];
    };
    const suppressions = merged.runs.flatMap((r) => r.results.flatMap((x) => x.suppressions ?? []));
    expect(suppressions.some((s) => s.kind === 'inSource' && /nosec/.test(s.justification ?? ''))).toBe(true);
    expect(suppressions.some((s) => s.kind === 'inSource' && /nosemgrep/.test(s.justification ?? ''))).toBe(
      true,
    );
  });
});

describe('reproducible zips and summaries over many bundles', () => {
  it('gives byte-identical zips for two runs on the same inputs with a fixed clock', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-repro-'));
    // The zips go beside the scanned folder: the first one inside it would be an input of the second
    // run (the coverage ledger lists it as a file no scanner reads).
    const scanned = path.join(dir, 'src');
    await mkdir(scanned);
    await writeFile(path.join(scanned, 'app.py'), 'import os\nos.system("ls " + name)\n');
    const env = { SOURCE_DATE_EPOCH: '1767225600' };
    const a = runCli(
      ['scan', scanned, '--scanners', 'semgrep', '--evidence-zip', path.join(dir, 'a.zip'), '--no-progress'],
      { env },
    );
    const b = runCli(
      ['scan', scanned, '--scanners', 'semgrep', '--evidence-zip', path.join(dir, 'b.zip'), '--no-progress'],
      { env },
    );
    expect([a.exitCode, b.exitCode]).toEqual([1, 1]);
    expect(readFileSync(path.join(dir, 'a.zip')).equals(readFileSync(path.join(dir, 'b.zip')))).toBe(true);
    const facts = JSON.parse(
      Buffer.from(
        unzipSync(new Uint8Array(readFileSync(path.join(dir, 'a.zip'))))['run.json'] ?? [],
      ).toString(),
    ) as RunFacts;
    expect(facts.startedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('names the output folder <out> in run.json even when it sits beside the scanned root', async () => {
    // The repository is <tmp>/repo; the output folder <tmp>/repo-out starts with the root's path.
    const repo = GitRepo.create({ 'app.py': 'import subprocess\nsubprocess.call(cmd, shell=True)\n' });
    repo.commit('app');
    const parent = path.dirname(repo.dir);
    const run = runCli(
      [
        'scan',
        '.',
        '--scanners',
        'bandit',
        '--out-dir',
        '../repo-out',
        '--evidence',
        '../ev',
        '--no-progress',
      ],
      { cwd: repo.dir },
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const facts = JSON.parse(readFileSync(path.join(parent, 'ev', 'run.json'), 'utf8')) as RunFacts;
    const command = facts.scanners[0]?.command?.join(' ') ?? '';
    expect(command).toContain('<out>/bandit');
    expect(command).not.toContain('<root>-out');
    expect(command).not.toContain(parent);
    // Locally the commit and branch come from git.
    expect(facts).toMatchObject({
      platform: 'local',
      commit: repo.head(),
      branch: 'main',
      changeNumber: null,
    });
  });

  it('summarizes per criterion how many changes passed, were blocked, or passed under waiver', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-summary-'));
    await writeFile(path.join(dir, 'app.py'), 'import subprocess\nsubprocess.call(cmd, shell=True)\n');
    const blocked = runCli([
      'scan',
      dir,
      '--scanners',
      'bandit',
      '--format',
      'json',
      '--evidence',
      path.join(dir, 'b1'),
      '--no-progress',
    ]);
    const fp = (
      JSON.parse(blocked.stdout) as { findings: { ruleId: string; fingerprint: string }[] }
    ).findings.find((f) => f.ruleId === 'B602')?.fingerprint;
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await writeFile(
      path.join(dir, '.controlgate-waivers.yml'),
      `version: 1\nwaivers:\n  - id: W-9\n    fingerprint: ${fp}\n    reason: Reviewed; the command is constant here\n    approver: alice@example.com\n    ticket: SEC-9\n    expires: ${expires}\n`,
    );
    runCli(['scan', dir, '--scanners', 'bandit', '--evidence', path.join(dir, 'b2'), '--no-progress']);
    const summary = runCli(['evidence', 'summarize', path.join(dir, 'b1'), path.join(dir, 'b2')]);
    expect(summary.exitCode).toBe(0);
    expect(summary.stdout).toMatch(/^2 change\(s\): 1 passed, 1 blocked/);
    expect(summary.stdout).toMatch(/\| CC7\.1 [^|]*\| 0 \| 1 \| 1 \| 0 \| 0 \|/);
  });
});

import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kics, kicsMaxFileBytes } from '../../../../scanners/kics/plugin.ts';
import type { PlanContext, Scanner } from '../../../../scanners/types.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

const ROOT = path.resolve('/repo');
/** The plugin seen through the Scanner interface, as the runner calls it. */
const generic: Scanner = kics;
const abs = (...parts: string[]) => path.join(ROOT, ...parts);

describe('kics.interpretExit', () => {
  it('reads 0 as clean', () => {
    expect(kics.interpretExit(0)).toBe('clean');
  });

  it.each([20, 30, 40, 50, 60])('reads %i (highest severity found) as findings', (code) => {
    expect(kics.interpretExit(code)).toBe('findings');
  });

  it.each([1, 10, 25, 70, 126, 130, 255])('reads %i as an error', (code) => {
    expect(kics.interpretExit(code)).toBe('error');
  });
});

describe('kics.selectFiles', () => {
  it.each([
    ['Dockerfile'],
    ['docker/Dockerfile.prod'],
    ['Containerfile'],
    ['app.dockerfile'],
    ['infra/main.tf'],
    ['infra/prod.tfvars'],
    ['k8s/deploy.yaml'],
    ['.github/workflows/ci.yml'],
    ['cloudformation/stack.json'],
    ['azure/main.bicep'],
  ])('selects %s', (file) => {
    expect(generic.selectFiles([abs(file)], ROOT)).toEqual([abs(file)]);
  });

  it.each([
    ['package-lock.json'],
    ['web/package.json'],
    ['tsconfig.json'],
    ['packages/a/tsconfig.build.json'],
    ['npm-shrinkwrap-lock.json'],
    ['.eslintrc.json'],
    ['app/main.py'],
    ['README.md'],
  ])('skips %s', (file) => {
    expect(generic.selectFiles([abs(file)], ROOT)).toEqual([]);
  });

  it('keeps the order of the files it selects', () => {
    const files = [abs('b.tf'), abs('x.py'), abs('a.yaml')];
    expect(generic.selectFiles(files, ROOT)).toEqual([abs('b.tf'), abs('a.yaml')]);
  });
});

describe('kics.plan', () => {
  const outDir = abs('.out', 'kics');
  const files = [abs('main.tf'), abs('Dockerfile')];
  const context: PlanContext = {
    root: ROOT,
    target: ROOT,
    files,
    outDir,
    tool: { command: '/tools/kics/kics', version: '2.1.0', cwd: '/tools/kics', source: 'tools-dir' },
    options: { timeoutSeconds: 900, extraArgs: ['--exclude-severities', 'info'] },
  };
  const planned = kics.plan(context);

  it('runs the located binary directly, never a shell', () => {
    expect(planned.file).toBe('/tools/kics/kics');
    expect(planned).not.toHaveProperty('shell');
  });

  it('runs in the tool folder, where KICS finds its assets', () => {
    expect(planned.cwd).toBe('/tools/kics');
  });

  it('asks for SARIF (findings) and JSON (query severities) reports in CI mode', () => {
    expect(planned.args[0]).toBe('scan');
    const formats = planned.args.indexOf('--report-formats');
    expect(planned.args[formats + 1]?.split(',')).toEqual(['sarif', 'json']);
    expect(planned.args).toContain('--ci');
  });

  it('writes kics.sarif into the output folder', () => {
    const outputPath = planned.args.indexOf('--output-path');
    expect(planned.args[outputPath + 1]).toBe(outDir);
    const outputName = planned.args.indexOf('--output-name');
    expect(planned.args[outputName + 1]).toBe('kics');
    expect(planned.sarifPath).toBe(path.join(outDir, 'kics.sarif'));
  });

  it('passes the folder holding the files, not the files, each folder with its own --path flag', () => {
    const paths = planned.args.flatMap((arg, i) => (arg === '--path' ? [planned.args[i + 1]] : []));
    // /repo does not exist here: nothing in it to exclude.
    expect(paths).toEqual([ROOT]);
    expect(planned.args).not.toContain('--exclude-paths');
  });

  it('leaves .gitignore to controlgate, which chose the files', () => {
    expect(planned.args).toContain('--exclude-gitignore');
  });

  it('quotes a path holding a comma the CSV way, so KICS does not split it', () => {
    const odd = abs('in,fra');
    const plan = kics.plan({ ...context, files: [path.join(odd, 'main.tf')] });
    expect(plan.args[plan.args.indexOf('--path') + 1]).toBe(`"${odd}"`);
  });

  it('gives KICS an empty configuration, so a kics.config beside a scanned file is never loaded', () => {
    const config = planned.args.indexOf('--config');
    expect(config).toBeGreaterThan(0);
    expect(planned.args[config + 1]).toBe('/dev/null');
    // Before the extra args, so the base's configuration may still name a file of its own.
    expect(config).toBeLessThan(planned.args.indexOf('--exclude-severities'));
  });

  it('appends the extra args last', () => {
    expect(planned.args.slice(-2)).toEqual(['--exclude-severities', 'info']);
  });
});

describe('kics.droppedSuppressions.distinguish', () => {
  const distinguish = (rel: string, text: string): string => {
    const own = kics.droppedSuppressions.distinguish;
    if (!own) throw new Error('KICS declares no distinguish');
    return own(rel, text);
  };

  it('gives the copy of a Helm chart a name of its own, quoted or not, on the same line', () => {
    const chart = 'apiVersion: v2\nname: web # the site\nversion: 0.1.0\n';
    expect(distinguish('deploy/chart/Chart.yaml', chart)).toBe(
      'apiVersion: v2\nname: web-revealed # the site\nversion: 0.1.0\n',
    );
    expect(distinguish('Chart.yaml', 'name: "web"\n')).toBe('name: "web-revealed"\n');
    expect(distinguish('Chart.yaml', "name: 'web'\n")).toBe("name: 'web-revealed'\n");
  });

  it('leaves every other file, and nested name keys, as they are', () => {
    expect(distinguish('chart/values.yaml', 'name: web\n')).toBe('name: web\n');
    expect(distinguish('chart/Chart.yaml', 'dependencies:\n  - name: db\n')).toBe(
      'dependencies:\n  - name: db\n',
    );
  });
});

describe('kics.checkRun: a clean exit that judged nothing is a failed run', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-check-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  /** kics.json as KICS 2.2.0 writes it, with the counts that matter here. */
  async function report(counts: Record<string, unknown>): Promise<string | undefined> {
    await writeFile(
      path.join(outDir, 'kics.json'),
      JSON.stringify({ kics_version: 'v2.2.0', files_parsed: 1, queries: [], ...counts }),
    );
    return generic.checkRun?.({ outDir, exitCode: 0, stderrTail: '' });
  }

  it('lets a run that loaded its queries stand (the example app’s report: 1291 queries)', async () => {
    await copyFile(
      path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'kics', 'kics.json'),
      path.join(outDir, 'kics.json'),
    );
    expect(await generic.checkRun?.({ outDir, exitCode: 50, stderrTail: '' })).toBeUndefined();
  });

  it('fails a run that recognized files but loaded no queries (an emptied assets/queries)', async () => {
    expect(await report({ files_scanned: 1, queries_total: 0 })).toBe(
      'KICS recognized 1 file but loaded no queries, so it checked nothing (is its assets/queries folder empty or missing?)',
    );
    expect(await report({ files_scanned: 3, queries_total: 0 })).toMatch(/^KICS recognized 3 files but/);
  });

  it('lets a run stand that recognized no file as infrastructure code (plain JSON or YAML): no queries apply', async () => {
    expect(await report({ files_scanned: 0, queries_total: 0 })).toBeUndefined();
  });

  it('fails a run whose counts are unknown: no kics.json, or one without them', async () => {
    expect(await report({ queries_total: 5 })).toMatch(/has no files_scanned or queries_total count/);
    await rm(path.join(outDir, 'kics.json'));
    expect(await generic.checkRun?.({ outDir, exitCode: 0, stderrTail: '' })).toMatch(
      /^KICS wrote no readable .*kics\.json, so the number of queries it ran is unknown$/,
    );
  });
});

describe('kicsMaxFileBytes', () => {
  it("is KICS's default 5 MB, or what --max-file-size in the configuration's args says", () => {
    expect(kicsMaxFileBytes([])).toBe(5_000_000);
    expect(kicsMaxFileBytes(['--max-file-size', '20'])).toBe(20_000_000);
    expect(kicsMaxFileBytes(['--max-file-size=8'])).toBe(8_000_000);
    expect(kicsMaxFileBytes(['--max-file-size', 'lots'])).toBe(5_000_000);
  });
});

describe('kics.unjudgedFiles: files KICS could not parse', () => {
  const fixture = path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'kics', 'parse-error');
  const empty: Sarif.Log = { version: '2.1.0', runs: [] };
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-unjudged-'));
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });
  const judged = (stdout: string, files: string[]) =>
    kics.unjudgedFiles({ outDir, exitCode: 60, stderrTail: '', files, cwd: '/kics', log: empty, stdout });

  it('names the files its log says it failed to parse (recorded: KICS 2.2.0, files_parsed 1 of 3)', async () => {
    await copyFile(path.join(fixture, 'kics.json'), path.join(outDir, 'kics.json'));
    const found = await judged(await readFile(path.join(fixture, 'stdout.txt'), 'utf8'), [
      '/repo/iac/good.tf',
      '/repo/iac/bad.tf',
      '/repo/iac/bad.yaml',
    ]);
    expect(found.map((u) => u.path)).toEqual(['/repo/iac/bad.tf', '/repo/iac/bad.yaml']);
    expect(found[0]?.reason).toMatch(
      /^KICS could not parse it: bad\.tf:1,30-31: Unclosed configuration block/,
    );
    expect(found[1]?.reason).toBe('KICS could not parse it: failed to parse yaml: invalid yaml');
  });

  it('names a file it skipped for its size (recorded: KICS 2.2.0 on a 6 MB .tf, files_scanned 0)', async () => {
    const large = path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'kics', 'too-large');
    await copyFile(path.join(large, 'kics.json'), path.join(outDir, 'kics.json'));
    const stdout = await readFile(path.join(large, 'stdout.txt'), 'utf8');
    // Walking a folder, KICS also warns of a large file it was not given (excluded): not its to judge.
    expect(await judged(stdout, ['/repo/iac/small.tf'])).toEqual([]);
    const found = await judged(stdout, ['/repo/iac/big.tf']);
    expect(found).toEqual([
      {
        path: '/repo/iac/big.tf',
        reason: "too large: over KICS's 5 MB limit (--max-file-size), so KICS skipped it",
      },
    ]);
  });

  it('trusts none of the files when it counts files it failed to scan without naming them', async () => {
    await writeFile(path.join(outDir, 'kics.json'), JSON.stringify({ files_failed_to_scan: 1 }));
    expect(await judged('', ['/repo/a.tf', '/repo/b.tf'])).toEqual([
      { path: '/repo/a.tf', reason: 'KICS failed to scan 1 file without naming them (files_failed_to_scan)' },
      { path: '/repo/b.tf', reason: 'KICS failed to scan 1 file without naming them (files_failed_to_scan)' },
    ]);
  });

  it('fails the run when queries failed to execute', async () => {
    await writeFile(
      path.join(outDir, 'kics.json'),
      JSON.stringify({ files_scanned: 1, queries_total: 10, queries_failed_to_execute: 2 }),
    );
    expect(await generic.checkRun?.({ outDir, exitCode: 0, stderrTail: '' })).toMatch(
      /^2 KICS queries failed to execute/,
    );
  });
});

describe('kics.plan: which cloud providers it loads queries for', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-providers-'));
    await writeFile(path.join(dir, 'main.tf'), 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n');
    await writeFile(path.join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const plan = (cloudProviders?: 'auto' | 'all') =>
    kics.plan({
      root: dir,
      target: dir,
      files: [path.join(dir, 'main.tf'), path.join(dir, 'pod.yaml')],
      outDir: path.join(dir, '.out'),
      tool: { command: '/tools/kics/kics', version: '2.2.0', cwd: '/tools/kics', source: 'tools-dir' },
      options: {
        timeoutSeconds: 900,
        extraArgs: ['--exclude-severities', 'info'],
        ...(cloudProviders ? { cloudProviders } : {}),
      },
    }).args;

  it('passes the providers the files use by default, before the configured args so those come last', () => {
    const args = plan();
    const at = args.indexOf('--cloud-provider');
    expect(args.slice(at, at + 2)).toEqual(['--cloud-provider', 'aws']);
    expect(at).toBeGreaterThan(args.indexOf('/dev/null'));
    expect(at).toBeLessThan(args.indexOf('--exclude-severities'));
  });

  it('passes none with cloudProviders "all"', () => {
    expect(plan('all')).not.toContain('--cloud-provider');
  });
});

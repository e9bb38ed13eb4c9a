import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStamp } from '../../src/install/install-stamp.ts';
import { toolsDir } from '../../src/paths.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { RECORD_FILE, recordTree } from '../../src/tools/install-record.ts';
import { type CliRun, runCli } from '../support/cli.ts';

/*
 * The tools folder is what was installed. The real Bandit venv and KICS (the installed tools folder,
 * CONTROLGATE_TOOLS_DIR or .tools) are copied with hard links, never written: a file that a case
 * changes is first unlinked in the copy and written anew, and the copies' records are written by
 * rename. The copy gets an install record of its own, as the install writes it. Then:
 *   - an untouched copy scans as before;
 *   - a copy whose `bandit` entry point was edited: Bandit is not run (not even `--version`), it is a
 *     failed scanner that names the file, and the scan exits 2 (could not evaluate), never 0 or 1;
 *   - a copy of KICS with an emptied assets/queries: KICS failed, exit 2, by its record; and the same
 *     folder named by CONTROLGATE_KICS_BIN (the user's choice, not checked by the record) runs and
 *     loads no queries, which its plugin's checkRun fails.
 */

const SOURCE = toolsDir();

/** Hard-link copy of `from` at `to`: nothing of the original is written through it in this test. */
function linkCopy(from: string, to: string): void {
  execFileSync('cp', ['-al', from, to]);
}

describe('scanning only with the tools that were installed', () => {
  let scratch: string;
  let target: string;
  /** A copy of the installed venv and KICS, with its own record. */
  let intact: string;
  /** The same, with `venv/bin/bandit` edited. */
  let edited: string;
  /** The same, with `kics/assets/queries` emptied. */
  let emptied: string;
  let marker: string;
  /** What the originals hold before the test: the entry point edited in the copy, and KICS. */
  const originals = () =>
    Promise.all([
      recordTree(path.join(SOURCE, 'venv', 'bin')),
      recordTree(path.join(SOURCE, 'kics')),
      readFile(path.join(SOURCE, 'venv', RECORD_FILE), 'utf8'),
    ]);
  let before: Awaited<ReturnType<typeof originals>>;

  beforeAll(async () => {
    for (const part of ['venv', 'kics']) {
      if (!existsSync(path.join(SOURCE, part, RECORD_FILE)))
        throw new Error(`${SOURCE}/${part} is not installed: run \`npm run scanners:install\` first`);
    }
    before = await originals();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-tools-integrity-'));
    target = path.join(scratch, 'project');
    await mkdir(path.join(target, 'infra'), { recursive: true });
    await writeFile(path.join(target, 'app.py'), 'import subprocess\nsubprocess.call(cmd, shell=True)\n');
    await writeFile(
      path.join(target, 'infra', 'main.tf'),
      'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n  acl    = "public-read"\n}\n',
    );

    intact = path.join(scratch, 'intact');
    await mkdir(intact);
    for (const part of ['venv', 'kics']) {
      const dir = path.join(intact, part);
      linkCopy(path.join(SOURCE, part), dir);
      // Recorded as an install records it, with the pins of the original's record.
      const { pins } = JSON.parse(await readFile(path.join(dir, RECORD_FILE), 'utf8')) as { pins: string };
      await rm(path.join(dir, RECORD_FILE));
      await writeStamp(dir, pins);
    }

    edited = path.join(scratch, 'edited');
    linkCopy(intact, edited);
    marker = path.join(scratch, 'the-edited-bandit-ran');
    const entry = path.join(edited, 'venv', 'bin', 'bandit');
    const original = await readFile(entry, 'utf8');
    const [shebang, ...rest] = original.split('\n');
    await rm(entry);
    await writeFile(
      entry,
      [shebang, `open(${JSON.stringify(marker)}, 'w').write('ran')`, ...rest].join('\n'),
      { mode: 0o755 },
    );

    emptied = path.join(scratch, 'emptied');
    await mkdir(emptied);
    linkCopy(path.join(intact, 'kics'), path.join(emptied, 'kics'));
    await rm(path.join(emptied, 'kics', 'assets', 'queries'), { recursive: true });
    await mkdir(path.join(emptied, 'kics', 'assets', 'queries'));
  });
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  function scan(
    tools: string,
    scanners: string,
    env: NodeJS.ProcessEnv = {},
  ): { run: CliRun; report: JsonReport } {
    const run = runCli(['scan', target, '--format', 'json', '--no-progress', '--scanners', scanners], {
      env: { CONTROLGATE_TOOLS_DIR: tools, ...env },
    });
    return { run, report: parseJsonReport(run.stdout, 'controlgate scan --format json (stdout)') };
  }
  const scanner = (report: JsonReport, id: string) => report.scanners.find((s) => s.id === id);

  // Real KICS: about 20 s on an idle 2-core machine, a minute when it is busy.
  it('scans with an untouched copy as with the original', { timeout: 300_000 }, () => {
    const { run, report } = scan(intact, 'bandit,kics');
    expect(scanner(report, 'bandit')).toMatchObject({ status: 'ok' });
    expect(scanner(report, 'kics')).toMatchObject({ status: 'ok' });
    expect(report.findings.some((f) => f.scanner === 'bandit' && f.ruleId === 'B602')).toBe(true);
    expect(report.findings.some((f) => f.scanner === 'kics')).toBe(true);
    expect(report.evaluated).toBe(true);
    expect(run.exitCode, run.stderr).toBe(1);
  });

  it('does not run an edited Bandit entry point: Bandit failed, naming the file, exit 2', () => {
    const { run, report } = scan(edited, 'bandit');
    const bandit = scanner(report, 'bandit');
    expect(bandit?.status).toBe('failed');
    expect(bandit?.error).toContain(
      `bandit in the tools folder is not what was installed, so it is not run: ${path.join(edited, 'venv', 'bin', 'bandit')} changed since it was installed`,
    );
    expect(bandit?.error).toContain('run `controlgate scanners install bandit` to reinstall it');
    expect(report.findings.filter((f) => f.scanner === 'bandit')).toEqual([]);
    expect(report.evaluated).toBe(false);
    expect(run.exitCode).toBe(2);
    // Not even asked for its version.
    expect(existsSync(marker)).toBe(false);
  });

  it('lists the edited Bandit as changed in `scanners list`', () => {
    const run = runCli(['scanners', 'list'], { env: { CONTROLGATE_TOOLS_DIR: edited } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^bandit\tchanged\tbandit in the tools folder is not what was installed/m);
    expect(existsSync(marker)).toBe(false);
  });

  it('does not run KICS with an emptied assets/queries from the tools folder: KICS failed, exit 2', () => {
    const { run, report } = scan(emptied, 'kics');
    const kics = scanner(report, 'kics');
    expect(kics?.status).toBe('failed');
    expect(kics?.error).toMatch(
      new RegExp(
        `kics in the tools folder is not what was installed, so it is not run: ${path.join(emptied, 'kics', 'assets', 'queries')}/\\S+ is missing \\(it was installed\\)`,
      ),
    );
    expect(report.evaluated).toBe(false);
    expect(run.exitCode).toBe(2);
  });

  it('fails a KICS that loaded no queries even when it is the user’s own (CONTROLGATE_KICS_BIN): exit 2', () => {
    const { run, report } = scan(path.join(scratch, 'no-tools'), 'kics', {
      CONTROLGATE_KICS_BIN: path.join(emptied, 'kics', 'kics'),
    });
    const kics = scanner(report, 'kics');
    expect(kics?.status).toBe('failed');
    expect(kics?.exitCode).toBe(0);
    expect(kics?.error).toBe(
      'KICS recognized 1 file but loaded no queries, so it checked nothing (is its assets/queries folder empty or missing?)',
    );
    expect(report.evaluated).toBe(false);
    expect(run.exitCode).toBe(2);
    // The coverage ledger names the file KICS was given, not judged, with why.
    const notJudged = report.coverage?.files.filter((e) => e.state === 'not-judged') ?? [];
    expect(notJudged.map((e) => e.notJudgedBy)).toEqual([
      [
        {
          scanner: 'kics',
          reason: expect.stringMatching(/^KICS failed: KICS recognized 1 file but loaded no queries/),
        },
      ],
    ]);
  });

  it('left the installed tools it copied untouched', async () => {
    expect(await originals()).toEqual(before);
  });
});

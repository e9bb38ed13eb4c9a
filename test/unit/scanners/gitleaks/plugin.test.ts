import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { removeMirror } from '../../../../scanners/gitleaks/mirror.ts';
import {
  amendGitleaksLog,
  gitleaks,
  LEAKS_EXIT_CODE,
  SECRET_CWE,
} from '../../../../scanners/gitleaks/plugin.ts';
import type { PlanContext, Scanner, SuppressionSite } from '../../../../scanners/types.ts';
import type { SarifRun } from '../../../../src/sarif/model.ts';
import { normalizeRun } from '../../../../src/sarif/normalize.ts';
import { SourceReader } from '../../../../src/sarif/source-reader.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'gitleaks');
const ADDED = '9bd4e8b78c8705af2c3d4836f0debeff03fe18c0';
/** The plugin seen through the Scanner interface, as the runner calls it. */
const generic: Scanner = gitleaks;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'controlgate-gitleaks-plugin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fixture(name: string): Sarif.Log {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Sarif.Log;
}

/** The recorded head (placeholders for the values), with an optional .gitleaksignore. */
function workspace(name: string, ignore?: string): string {
  const root = path.join(tmp, name);
  const files: Record<string, string> = {
    'README.md': '# app\n',
    'app/settings.py':
      '# moved down by one line\n# settings\nAWS_KEY = "placeholder-aws"\nGITHUB_TOKEN = "placeholder-github"\n',
    'config/dev.env': 'STRIPE_KEY=placeholder-stripe  # gitleaks:allow\n',
    ...(ignore === undefined ? {} : { '.gitleaksignore': ignore }),
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function context(root: string, extraArgs: string[] = []): PlanContext {
  return {
    root,
    target: root,
    files: ['app/settings.py', 'config/dev.env', 'README.md'].map((rel) => path.join(root, rel)),
    outDir: path.join(root, '..', `${path.basename(root)}-out`),
    tool: { id: 'gitleaks', command: '/tools/gitleaks/gitleaks', version: '8.30.1', source: 'tools-dir' },
    options: { timeoutSeconds: 60, extraArgs },
  } as PlanContext;
}

describe('gitleaks.plan', () => {
  const root = workspace('plan');
  const plan = generic.plan(context(root, ['--max-decode-depth', '3']));
  const outDir = context(root).outDir;
  afterAll(() => removeMirror(plan.cwd ?? ''));

  it('scans the folder of links to the given files, from the folder above them', () => {
    expect(plan.file).toBe('/tools/gitleaks/gitleaks');
    expect(plan.args.slice(0, 2)).toEqual(['dir', '--follow-symlinks']);
    expect(plan.args.at(-1)).toBe('.');
    // A folder of its own, outside the output folder (mirror.ts says why).
    expect(path.basename(plan.cwd ?? '')).toMatch(/^controlgate-gitleaks-/);
    expect(plan.cwd?.startsWith(outDir)).toBe(false);
    expect(readdirSync(path.join(plan.cwd ?? '', 'ws'), { recursive: true }).sort()).toEqual(
      ['README.md', 'app', path.join('app', 'settings.py'), 'config', path.join('config', 'dev.env')].sort(),
    );
  });

  it('asks for redacted SARIF in its folder, every result, its own exit code, and the base’s args last but for --redact and the folder', () => {
    const sarifPath = path.join(outDir, 'gitleaks.sarif');
    expect(plan.sarifPath).toBe(sarifPath);
    const args = plan.args;
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    expect(value('--report-format')).toBe('sarif');
    // Gitleaks writes its own file; writeSarif copies it, repaired, to the one the runner reads.
    expect(value('--report-path')).toBe(path.join(outDir, 'gitleaks-tool.sarif'));
    expect(value('--exit-code')).toBe(String(LEAKS_EXIT_CODE));
    for (const flag of ['--redact', '--no-banner', '--no-color', '--ignore-gitleaks-allow'])
      expect(args).toContain(flag);
    // --redact after them: the base's args cannot undo it.
    expect(args.slice(-4)).toEqual(['--max-decode-depth', '3', '--redact', '.']);
    expect(plan.env).toBeUndefined();
  });

  it('names an empty ignore folder and a configuration of Gitleaks’ own rules, so no file of the change decides', () => {
    const ignoreDir = plan.args[plan.args.indexOf('--gitleaks-ignore-path') + 1] ?? '';
    expect(readdirSync(ignoreDir)).toEqual([]);
    const config = plan.args[plan.args.indexOf('--config') + 1] ?? '';
    expect(readFileSync(config, 'utf8')).toMatch(/^\[extend\]\nuseDefault = true\n$/m);
  });

  it('removes the reports of an earlier run, so a run that wrote none cannot pass for one that did', () => {
    const names = [
      'gitleaks.sarif',
      'gitleaks-tool.sarif',
      'gitleaks-history.sarif',
      'gitleaks-history-tool.sarif',
    ];
    for (const name of names) writeFileSync(path.join(outDir, name), '{}');
    removeMirror(generic.plan(context(root)).cwd ?? '');
    for (const name of names) expect(existsSync(path.join(outDir, name)), name).toBe(false);
  });

  it('keeps the values redacted whatever the base’s args say (the last --redact wins in Gitleaks)', () => {
    const { args, cwd } = generic.plan(context(root, ['--redact=0']));
    removeMirror(cwd ?? '');
    expect(args.lastIndexOf('--redact')).toBeGreaterThan(args.indexOf('--redact=0'));
  });
});

describe('gitleaks.planHistory', () => {
  it('scans the change’s commits through GIT_DIR from an empty folder, so the repository’s .gitleaksignore is not read', () => {
    const root = workspace('history-plan');
    const history = { repoRoot: root, from: 'a'.repeat(40), to: 'b'.repeat(40) };
    const plan = gitleaks.planHistory({ ...context(root, ['--max-decode-depth', '3']), history });
    const outDir = context(root).outDir;
    expect(plan.args[0]).toBe('git');
    expect(plan.args[1]).toBe(`--log-opts=${'a'.repeat(40)}..${'b'.repeat(40)}`);
    expect(plan.args.slice(-4)).toEqual(['--max-decode-depth', '3', '--redact', '.']);
    expect(plan.args[plan.args.indexOf('--report-path') + 1]).toBe(
      path.join(outDir, 'gitleaks-history-tool.sarif'),
    );
    expect(plan.args).toContain('--redact');
    expect(plan.sarifPath).toBe(path.join(outDir, 'gitleaks-history.sarif'));
    expect(plan.env).toEqual({ GIT_DIR: path.join(root, '.git') });
    expect(readdirSync(plan.cwd ?? '')).toEqual([]);
  });
});

describe('gitleaks.interpretExit', () => {
  it('reads 0 as clean and its own leaks code as findings', () => {
    expect(gitleaks.interpretExit(0)).toBe('clean');
    expect(gitleaks.interpretExit(LEAKS_EXIT_CODE)).toBe('findings');
  });

  // 1: a fatal error (a configuration it cannot load) or a partial scan, which also writes a report.
  it.each([1, 2, 126, 127, 255])('reads %i as an error', (code) => {
    expect(gitleaks.interpretExit(code)).toBe('error');
  });
});

describe('gitleaks.inSourceSuppression', () => {
  const site = (lines: string[], startLine = 1, endLine = startLine): SuppressionSite => ({
    lines,
    startLine,
    endLine,
    ruleId: 'stripe-access-token',
  });

  it('recognizes gitleaks:allow on a line of the finding', () => {
    expect(gitleaks.inSourceSuppression(site(['STRIPE_KEY=x  # gitleaks:allow']))).toEqual({
      text: 'gitleaks:allow',
      line: 1,
    });
    expect(
      gitleaks.inSourceSuppression(site(['-----BEGIN', 'key', 'end // gitleaks:allow'], 1, 3))?.line,
    ).toBe(3);
  });

  it('ignores it on another line', () => {
    expect(gitleaks.inSourceSuppression(site(['# gitleaks:allow', 'STRIPE_KEY=x'], 2))).toBeUndefined();
  });
});

describe('gitleaks.maxFileBytes', () => {
  const limit = (extraArgs: string[]) => generic.maxFileBytes?.({ timeoutSeconds: 60, extraArgs });

  it('has none unless the base’s args set --max-target-megabytes, in decimal megabytes, the last one winning', () => {
    expect(limit([])).toBeUndefined();
    expect(limit(['--max-target-megabytes', '5'])).toBe(5_000_000);
    expect(limit(['--max-target-megabytes=2', '--max-target-megabytes', '3'])).toBe(3_000_000);
    // 0 is Gitleaks' "no limit"; a value that is no number leaves the limit as it was.
    expect(limit(['--max-target-megabytes', '4', '--max-target-megabytes=0'])).toBeUndefined();
    expect(limit(['--max-target-megabytes', '4', '--max-target-megabytes=x'])).toBe(4_000_000);
  });
});

describe('gitleaks.selectFiles', () => {
  it('takes every file but those its default rules pass over, and says why for those', () => {
    const files = [
      '/r/a.py',
      '/r/b.png',
      '/r/.env',
      '/r/Dockerfile',
      '/r/web/package-lock.json',
      '/r/go.sum',
      '/r/app/venv/lib/python3.11/site-packages/x.py',
      '/r/static/jquery-3.6.0.min.js',
    ];
    expect(generic.selectFiles(files, '/r')).toEqual(['/r/a.py', '/r/.env', '/r/Dockerfile']);
    expect(generic.skipReason?.('/r/web/package-lock.json', '/r')).toBe(
      "Gitleaks' default rules pass over a lockfile or generated manifest, whatever it holds",
    );
    expect(generic.skipReason?.('/r/b.png', '/r')).toMatch(/an image, a font or a binary document/);
    expect(generic.skipReason?.('/r/a.py', '/r')).toBeUndefined();
  });

  it('passes over no file its default rules would read', () => {
    for (const rel of ['package.json', 'requirements.txt', 'vendor.py', 'src/jquery.ts', 'config/env.yml'])
      expect(generic.skipReason?.(`/r/${rel}`, '/r'), rel).toBeUndefined();
  });
});

/** The tree fixture as the runner hands it over: planned, amended in place, then normalized. */
async function amendedAndNormalized(root: string) {
  const plan = generic.plan(context(root));
  const log = fixture('tree.sarif');
  const cwd = plan.cwd ?? root;
  await amendGitleaksLog(log, context(root).outDir, cwd);
  const findings = normalizeRun(log.runs[0] as SarifRun, {
    scannerId: 'gitleaks',
    scannerVersion: '8.30.1',
    root,
    baseDir: cwd,
    sources: new SourceReader(root),
    inSourceSuppression: gitleaks.inSourceSuppression,
  });
  return { log, findings };
}

describe('amendGitleaksLog', () => {
  it('puts each result at its workspace file, names it without the link’s absolute target, and gives every rule CWE-798 and a high severity', async () => {
    const root = workspace('amend');
    const { log, findings } = await amendedAndNormalized(root);
    for (const rule of log.runs[0]?.tool.driver.rules ?? []) {
      expect(rule.properties?.cwe).toEqual([SECRET_CWE]);
      expect(rule.properties?.['security-severity']).toBe('8.0');
    }
    const rows = findings.map((f) => [f.ruleId, f.path, f.line, f.inWorkspace, f.severity, f.cwe, f.secret]);
    expect(
      rows.sort((a, b) => String(a[1]).localeCompare(String(b[1])) || Number(a[2]) - Number(b[2])),
    ).toEqual([
      ['aws-access-token', 'app/settings.py', 3, true, 'high', ['CWE-798'], true],
      ['github-pat', 'app/settings.py', 4, true, 'high', ['CWE-798'], true],
      ['stripe-access-token', 'config/dev.env', 1, true, 'high', ['CWE-798'], true],
    ]);
    expect(findings.find((f) => f.ruleId === 'aws-access-token')?.message).toBe(
      "A secret matching Gitleaks' aws-access-token rule is written here: rotate it, then read it from the environment or a secrets manager.",
    );
    // The recording's messages named the links' targets by absolute path (/tmp/glrec/repo/…).
    for (const result of log.runs[0]?.results ?? []) expect(result.message.text).not.toContain('/tmp/');
    // A folder scan has no commit: its empty commit fields are gone, as are author and e-mail.
    expect(log.runs[0]?.results?.[0]?.partialFingerprints).toEqual({});
  });

  it('marks a gitleaks:allow result suppressed by its comment line', async () => {
    const { findings } = await amendedAndNormalized(workspace('allow'));
    const stripe = findings.find((f) => f.ruleId === 'stripe-access-token');
    expect(stripe?.suppressed).toBe(true);
    expect(stripe?.suppressions).toEqual([
      { kind: 'inSource', status: 'accepted', justification: 'gitleaks:allow', line: 1 },
    ]);
    expect(findings.filter((f) => f.suppressed)).toHaveLength(1);
  });

  it('marks a result the .gitleaksignore lists, naming that file and the entry’s line', async () => {
    const root = workspace(
      'ignored',
      '# reviewed: a test key\napp/settings.py:aws-access-token:3\nconfig/x:jwt:1\n',
    );
    const { findings } = await amendedAndNormalized(root);
    const aws = findings.find((f) => f.ruleId === 'aws-access-token');
    expect(aws?.suppressed).toBe(true);
    expect(aws?.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: '.gitleaksignore: app/settings.py:aws-access-token:3',
        line: 2,
        file: '.gitleaksignore',
      },
    ]);
    expect(findings.find((f) => f.ruleId === 'github-pat')?.suppressed).toBe(false);
  });

  it('keeps one result per rule and place: Gitleaks reports a match again in its base64-decoded text', async () => {
    // Recorded on examples/vulnerable-app/config/dev-key.pem, whose body decodes to text the rule matches too.
    const log = fixture('tree-decoded.sarif');
    expect(log.runs[0]?.results?.map((r) => r.properties?.tags)).toEqual([
      [],
      ['decoded:base64', 'decode-depth:1'],
    ]);
    const root = workspace('decoded');
    const plan = generic.plan(context(root));
    await amendGitleaksLog(log, context(root).outDir, plan.cwd ?? root);
    expect(log.runs[0]?.results?.map((r) => r.properties?.tags)).toEqual([[]]);
  });

  it('marks a history result by a commit fingerprint of the .gitleaksignore', async () => {
    const root = workspace('ignored-history', `${ADDED}:config/removed.py:slack-bot-token:1\n`);
    const plan = generic.plan(context(root));
    const log = fixture('tree.sarif');
    log.runs[0]?.results?.push({
      ruleId: 'slack-bot-token',
      message: { text: 'slack-bot-token: a secret added in history' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: `git-commit:${ADDED}/config/removed.py` },
            region: { startLine: 1 },
          },
        },
      ],
      properties: { gitleaksHistory: { commit: ADDED, file: 'config/removed.py', line: 1 } },
    });
    await amendGitleaksLog(log, context(root).outDir, plan.cwd ?? root);
    const slack = log.runs[0]?.results?.at(-1);
    expect(slack?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      `git-commit:${ADDED}/config/removed.py`,
    );
    expect(slack?.suppressions?.[0]?.justification).toBe(
      `.gitleaksignore: ${ADDED}:config/removed.py:slack-bot-token:1`,
    );
  });
});

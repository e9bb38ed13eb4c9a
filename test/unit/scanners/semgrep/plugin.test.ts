import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import type { SemgrepOptions } from '../../../../scanners/semgrep/config.ts';
import { builtinRulesDir, ruleTimeouts, semgrep } from '../../../../scanners/semgrep/plugin.ts';
import type { PlanContext, Scanner, SuppressionSite } from '../../../../scanners/types.ts';
import { packageRoot } from '../../../../src/paths.ts';

const ROOT = path.resolve('/repo');
/** The plugin seen through the Scanner interface, as the runner calls it. */
const generic: Scanner = semgrep;
const RULE = 'controlgate.python.eval-injection';

function suppression(lines: string[], startLine: number, ruleId = RULE): string | undefined {
  const s: SuppressionSite = { lines, startLine, endLine: startLine, ruleId };
  return semgrep.inSourceSuppression(s)?.text;
}

describe('semgrep.interpretExit', () => {
  it.each([0, 1])('reads %i as a successful run that may have findings', (code) => {
    expect(semgrep.interpretExit(code)).toBe('findings');
  });

  it.each([2, 3, 4, 7, 123, 255])('reads %i as an error', (code) => {
    expect(semgrep.interpretExit(code)).toBe('error');
  });
});

describe('semgrep.selectFiles', () => {
  it('keeps text files of any language', () => {
    const files = ['app/main.py', 'web/index.ts', 'config/.env', 'Dockerfile', 'README.md'].map((f) =>
      path.join(ROOT, f),
    );
    expect(generic.selectFiles(files, ROOT)).toEqual(files);
  });

  it.each(['logo.png', 'poetry.lock', 'package-lock.json', 'dist/app.min.js', 'lib.so', 'IMAGE.PNG'])(
    'skips %s',
    (file) => {
      expect(generic.selectFiles([path.join(ROOT, file)], ROOT)).toEqual([]);
    },
  );
});

describe('semgrep.inSourceSuppression: same line', () => {
  it('recognises a bare # nosemgrep', () => {
    expect(suppression(['eval(user_input)  # nosemgrep'], 1)).toBe('nosemgrep');
  });

  it('recognises // nosemgrep: <full rule id>', () => {
    expect(suppression([`eval(userInput); // nosemgrep: ${RULE}`], 1)).toBe(`nosemgrep: ${RULE}`);
  });

  it('recognises a rule id suffix after a dot', () => {
    expect(suppression(['eval(x)  # nosemgrep: eval-injection'], 1)).toBeDefined();
  });

  it('does not match a partial id that is not a dotted suffix', () => {
    expect(suppression(['eval(x)  # nosemgrep: injection'], 1)).toBeUndefined();
  });

  it('does not suppress when a different rule id is listed', () => {
    expect(suppression(['eval(x)  # nosemgrep: controlgate.python.weak-hash'], 1)).toBeUndefined();
  });

  it('suppresses when one of several listed ids matches', () => {
    expect(suppression([`eval(x)  # nosemgrep: controlgate.python.weak-hash, ${RULE}`], 1)).toBeDefined();
  });

  it('finds nothing without a comment', () => {
    expect(suppression(['eval(x)'], 1)).toBeUndefined();
  });
});

describe('semgrep.inSourceSuppression: line before', () => {
  it('recognises a comment alone on the line before', () => {
    const lines = ['def run(x):', `    // nosemgrep: ${RULE}`, '    eval(x)'];
    expect(suppression(lines, 3)).toBe(`nosemgrep: ${RULE}`);
  });

  it('recognises a bare # nosemgrep alone on the line before', () => {
    expect(suppression(['# nosemgrep', 'eval(x)'], 2)).toBe('nosemgrep');
  });

  it('ignores a nosemgrep that trails code on the line before', () => {
    const lines = ['other = eval(y)  # nosemgrep', 'eval(x)'];
    expect(suppression(lines, 2)).toBeUndefined();
  });

  it('does not suppress when the comment before names a different rule', () => {
    const lines = ['// nosemgrep: controlgate.javascript.dom-xss-innerhtml', 'eval(x)'];
    expect(suppression(lines, 2)).toBeUndefined();
  });

  it('ignores comments two lines above', () => {
    const lines = ['# nosemgrep', '', 'eval(x)'];
    expect(suppression(lines, 3)).toBeUndefined();
  });
});

describe('semgrep.plan', () => {
  const outDir = path.join(ROOT, '.out', 'semgrep');
  const files = [path.join(ROOT, 'a.py'), path.join(ROOT, 'tests', 'b.js')];
  function plan(configs?: string[]) {
    const context: PlanContext<SemgrepOptions> = {
      root: ROOT,
      target: ROOT,
      files,
      outDir,
      tool: { command: '/usr/local/bin/semgrep', version: '1.100.0', source: 'path' },
      options: { timeoutSeconds: 900, extraArgs: ['--max-target-bytes', '1000000'], configs },
    };
    return semgrep.plan(context);
  }

  it('runs the located binary directly, never a shell', () => {
    const planned = plan();
    expect(planned.file).toBe('/usr/local/bin/semgrep');
    expect(planned).not.toHaveProperty('shell');
  });

  it('passes the flags the plugin promises', () => {
    const { args } = plan();
    expect(args[0]).toBe('scan');
    for (const flag of ['--metrics=off', '--no-rewrite-rule-ids', '--disable-nosem', '--sarif']) {
      expect(args).toContain(flag);
    }
  });

  it('writes SARIF to semgrep.sarif in the output folder', () => {
    const planned = plan();
    const sarifPath = path.join(outDir, 'semgrep.sarif');
    expect(planned.sarifPath).toBe(sarifPath);
    expect(planned.args[planned.args.indexOf('--output') + 1]).toBe(sarifPath);
  });

  it('writes its JSON output beside the SARIF in the same run (only the JSON has fixes)', () => {
    expect(plan().args).toContain(`--json-output=${path.join(outDir, 'semgrep.json')}`);
    const own = semgrep.plan({
      root: ROOT,
      target: ROOT,
      files,
      outDir,
      tool: { command: '/usr/local/bin/semgrep', version: '1.100.0', source: 'path' },
      options: { timeoutSeconds: 900, extraArgs: ['--json-output=/tmp/mine.json'] },
    });
    expect(own.args.filter((a) => a.startsWith('--json-output'))).toEqual(['--json-output=/tmp/mine.json']);
  });

  it('points "builtin" (the default) at the shipped rule pack', () => {
    const { args } = plan();
    expect(args[args.indexOf('--config') + 1]).toBe(builtinRulesDir());
    expect(existsSync(path.join(builtinRulesDir(), 'python', 'eval-injection.yaml'))).toBe(true);
  });

  it('passes one --config per configured pack, in order', () => {
    const { args } = plan(['builtin', 'p/python', './rules']);
    const configs = args.flatMap((a, i) => (a === '--config' ? [args[i + 1]] : []));
    expect(configs).toEqual([builtinRulesDir(), 'p/python', './rules']);
  });

  it('ends with the extra args and then the explicit file targets', () => {
    expect(plan().args.slice(-4)).toEqual(['--max-target-bytes', '1000000', ...files]);
  });

  it('keeps Semgrep off the network through its environment', () => {
    const { env, cwd } = plan();
    expect(env?.SEMGREP_SEND_METRICS).toBe('off');
    expect(env?.SEMGREP_ENABLE_VERSION_CHECK).toBe('0');
    expect(cwd).toBe(ROOT);
  });
});

describe('semgrep.ruleFiles', () => {
  const options = (configs?: string[]): SemgrepOptions => ({ timeoutSeconds: 900, extraArgs: [], configs });

  it("names the shipped pack's YAML rules relative to the package, not their test files", () => {
    const files = semgrep.ruleFiles(options(), ROOT);
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const file of files) {
      expect(file.path).toMatch(/\.ya?ml$/);
      expect(file.base).toBe(packageRoot());
      expect(file.path.startsWith(`${builtinRulesDir()}${path.sep}`)).toBe(true);
    }
    expect(files.map((f) => f.path)).toContain(path.join(builtinRulesDir(), 'python', 'eval-injection.yaml'));
  });

  it("names a local config's YAML files relative to the workspace, and nothing for registry packs", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'controlgate-semgrep-rules-'));
    try {
      await mkdir(path.join(root, 'rules', 'nested'), { recursive: true });
      for (const name of ['a.yaml', 'nested/b.yml', 'a.py', 'README.md', 'one.yaml'])
        await writeFile(path.join(root, name.startsWith('one') ? name : path.join('rules', name)), 'x\n');
      const files = semgrep.ruleFiles(
        options(['p/python', path.join(root, 'rules'), 'one.yaml', 'gone']),
        root,
      );
      expect(files).toEqual([
        { path: path.join(root, 'rules', 'a.yaml'), base: root },
        { path: path.join(root, 'rules', 'nested', 'b.yml'), base: root },
        { path: path.join(root, 'one.yaml'), base: root },
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
  it("names the base's copies of local rules as the repository does, and rules outside it as before", async () => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-semgrep-copy-'));
    try {
      const dir = path.join(scratch, '@base-files');
      await mkdir(path.join(dir, 'rules'), { recursive: true });
      await mkdir(path.join(scratch, 'outside'));
      await writeFile(path.join(dir, 'rules', 'a.yaml'), 'rules: []\n');
      await writeFile(path.join(scratch, 'outside', 'b.yaml'), 'rules: []\n');
      const files = semgrep.ruleFiles(
        options([path.join(dir, 'rules'), path.join(scratch, 'outside')]),
        ROOT,
        { dir, root: dir },
      );
      expect(files).toEqual([
        { path: path.join(dir, 'rules', 'a.yaml'), base: dir },
        { path: path.join(scratch, 'outside', 'b.yaml'), base: ROOT },
      ]);
      expect(path.relative(files[0]?.base ?? '', files[0]?.path ?? '')).toBe(path.join('rules', 'a.yaml'));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

describe('semgrep.unjudgedFiles: files whose rules timed out or that did not parse', () => {
  const recorded = (name: string) =>
    JSON.parse(
      readFileSync(path.join(packageRoot(), 'test/fixtures/sarif/semgrep', name, 'semgrep.sarif'), 'utf8'),
    ) as Sarif.Log;
  const judged = (log: Sarif.Log, files: string[]) =>
    semgrep.unjudgedFiles({
      outDir: '/out',
      exitCode: 0,
      stderrTail: '',
      files,
      cwd: '/repo',
      log,
      stdout: '',
    });

  it('names each rule that timed out on the large file (recorded: semgrep 1.180.0, --timeout 1)', async () => {
    expect(await judged(recorded('rule-timeout'), ['/repo/big.js', '/repo/small.js'])).toEqual([
      { path: '/repo/big.js', reason: 'rule controlgate.javascript.child-process-injection timed out' },
      { path: '/repo/big.js', reason: 'rule controlgate.javascript.sql-injection-concat timed out' },
      { path: '/repo/big.js', reason: 'rule controlgate.secrets.hardcoded-password timed out' },
    ]);
  });

  it('names a file that did not parse, with Semgrep’s error type', async () => {
    expect(await judged(recorded('syntax-error'), ['/repo/broken.js', '/repo/small.js'])).toEqual([
      { path: '/repo/broken.js', reason: 'Syntax error: Syntax error at line /repo/broken.js:1' },
    ]);
  });

  it('does not take a path for the start of a longer one (a.js in a.jsx)', async () => {
    const log: Sarif.Log = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'Semgrep' } },
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: [
                {
                  level: 'warning',
                  descriptor: { id: 'Timeout' },
                  message: { text: 'Timeout when running r on /repo/a.jsx:\n' },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(await judged(log, ['/repo/a.js', '/repo/a.jsx'])).toEqual([
      { path: '/repo/a.jsx', reason: 'rule r timed out' },
    ]);
  });
});

describe('semgrep rule time-outs', () => {
  it('raises the per-rule time-out to 30 s by default, keeping the threshold of 3', () => {
    const { args } = semgrep.plan({
      root: ROOT,
      target: ROOT,
      files: [path.join(ROOT, 'a.js')],
      outDir: path.join(ROOT, '.out'),
      tool: { command: '/usr/local/bin/semgrep', version: '1.180.0', source: 'path' },
      options: { timeoutSeconds: 900, extraArgs: [] },
    });
    expect(args[args.indexOf('--timeout') + 1]).toBe('30');
    expect(args[args.indexOf('--timeout-threshold') + 1]).toBe('3');
  });

  it('leaves a value from the configuration’s args alone: Semgrep refuses a repeated option', () => {
    expect(ruleTimeouts(['--timeout', '1'])).toEqual(['--timeout-threshold', '3']);
    expect(ruleTimeouts(['--timeout=1', '--timeout-threshold=0'])).toEqual([]);
  });
});

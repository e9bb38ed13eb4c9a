import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, type CliRun, REPO_ROOT, runCli } from '../support/cli.ts';

/*
 * Done when: for each vulnerability class the JavaScript/TypeScript rule pack claims, the real gate
 * (Semgrep with the built-in pack, default policy) finds the planted flaw in a small Express file,
 * maps it to the expected criterion, and, for the classes whose rules are ERROR (security-severity
 * 7.0 and up), fails that criterion in block mode. WARNING-level classes are reported under their
 * criterion but stay below the default `high` threshold, which is checked too, so a change in either
 * direction shows up here.
 *
 * The fixture lives under test/fixtures, which this repository's .controlgate.yml excludes, so it is
 * copied to a temporary folder and scanned there, once.
 */

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'rule-classes', 'javascript');

interface RuleClass {
  name: string;
  file: string;
  rules: string[];
  /** The criterion whose verdict is checked (in scope under the default policy). */
  criterion: string;
  /** Further criteria the findings must also map to. */
  also?: string[];
  /** true: ERROR rule, the finding fails the criterion; false: WARNING, reported below the threshold. */
  blocks: boolean;
}

const js = (id: string) => `controlgate.javascript.${id}`;

const CLASSES: RuleClass[] = [
  {
    name: 'SQL injection',
    file: 'sql-injection.js',
    rules: [js('sql-injection-concat')],
    criterion: 'CC7.1',
    blocks: true,
  },
  {
    name: 'NoSQL injection',
    file: 'nosql-injection.js',
    rules: [js('nosql-operator-injection'), js('nosql-where-injection')],
    criterion: 'CC7.1',
    blocks: true,
  },
  {
    name: 'OS command injection',
    file: 'command-injection.js',
    rules: [js('child-process-injection')],
    criterion: 'CC7.1',
    blocks: true,
  },
  {
    name: 'code injection (node:vm)',
    file: 'code-injection.js',
    rules: [js('eval-injection')],
    criterion: 'CC7.1',
    blocks: true,
  },
  {
    name: 'server-side template injection',
    file: 'template-injection.js',
    rules: [js('template-injection')],
    criterion: 'CC7.1',
    blocks: true,
  },
  {
    name: 'reflected XSS',
    file: 'xss.js',
    rules: [js('express-reflected-xss')],
    criterion: 'CC7.1',
    blocks: true,
  },
  { name: 'XXE', file: 'xxe.js', rules: [js('xxe-libxml-noent')], criterion: 'CC7.1', blocks: true },
  { name: 'SSRF', file: 'ssrf.js', rules: [js('ssrf-request-url')], criterion: 'CC6.6', blocks: true },
  {
    name: 'path traversal',
    file: 'path-traversal.js',
    rules: [js('path-traversal')],
    criterion: 'CC6.3',
    blocks: true,
  },
  {
    name: 'insecure deserialization',
    file: 'deserialization.js',
    rules: [js('unsafe-deserialization')],
    criterion: 'CC7.1',
    blocks: true,
  },
  {
    name: 'JWT alg none',
    file: 'jwt.js',
    rules: [js('jwt-none-algorithm')],
    criterion: 'CC6.1',
    blocks: true,
  },
  {
    name: 'ReDoS',
    file: 'redos.js',
    rules: [js('regex-dos')],
    criterion: 'CC7.1',
    also: ['A1.1'],
    blocks: true,
  },
  {
    name: 'hard-coded secrets',
    file: 'secrets.js',
    rules: ['controlgate.secrets.hardcoded-password-javascript', 'controlgate.secrets.aws-access-key-id'],
    criterion: 'CC6.1',
    blocks: true,
  },
  {
    name: 'open redirect',
    file: 'open-redirect.js',
    rules: [js('open-redirect')],
    criterion: 'CC7.1',
    blocks: false,
  },
  {
    name: 'weak cryptography',
    file: 'weak-crypto.js',
    rules: [js('weak-hash'), js('weak-cipher')],
    criterion: 'CC6.1',
    blocks: false,
  },
  {
    name: 'TLS verification off',
    file: 'tls.js',
    rules: [js('tls-verification-disabled')],
    criterion: 'CC6.7',
    blocks: false,
  },
  {
    name: 'insecure cookie',
    file: 'cookies.js',
    rules: [js('insecure-cookie')],
    criterion: 'CC6.1',
    blocks: false,
  },
  {
    name: 'CSRF methods ignored',
    file: 'csrf.js',
    rules: [js('csrf-unsafe-methods-ignored')],
    criterion: 'CC6.1',
    blocks: false,
  },
  {
    name: 'log injection',
    file: 'log-injection.js',
    rules: [js('log-injection')],
    criterion: 'CC7.2',
    blocks: false,
  },
];

describe('the JavaScript rule pack, one planted flaw per class, through the real gate', {
  timeout: 600_000,
}, () => {
  let root: string;
  let run: CliRun;
  let report: JsonReport;
  /** The same scan under a policy whose threshold is medium: the WARNING classes block there. */
  let strict: JsonReport;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run -s build\` first`);
    root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-rule-classes-js-'));
    const workspace = path.join(root, 'app');
    cpSync(FIXTURE, workspace, { recursive: true });
    const scan = (name: string, extra: string[]) => {
      const json = path.join(root, `${name}.json`);
      const done = runCli(
        [
          'scan',
          '.',
          '--scanners',
          'semgrep',
          '--no-base',
          '--no-evidence',
          '--no-progress',
          '--fail-mode',
          'enforce',
          '--format',
          'json',
          '--output',
          json,
          '--out-dir',
          path.join(root, `out-${name}`),
          ...extra,
        ],
        { cwd: workspace },
      );
      if (!existsSync(json)) throw new Error(`the CLI wrote no report\n${done.stdout}\n${done.stderr}`);
      return { done, report: parseJsonReport(readFileSync(json, 'utf8'), json) };
    };
    const medium = path.join(root, 'medium.yml');
    writeFileSync(medium, 'version: 1\npolicy:\n  severity: medium\n');
    strict = scan('medium', ['--config', medium]).report;
    ({ done: run, report } = scan('default', []));
  }, 600_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('scans every file with Semgrep and blocks the change', () => {
    expect(report.scanners.map((s) => [s.id, s.status])).toEqual([['semgrep', 'ok']]);
    expect(report.evaluated).toBe(true);
    expect(report.decision).toBe('block');
    expect(run.exitCode, run.stderr).toBe(1);
  });

  it('has a class for every fixture file', () => {
    const files = CLASSES.map((c) => c.file).sort();
    const present = new Set(report.findings.map((f) => path.basename(f.path)));
    expect(files.filter((f) => !present.has(f))).toEqual([]);
  });

  for (const c of CLASSES) {
    it(`${c.name}: ${c.rules.join(', ')} → ${c.criterion}, ${c.blocks ? 'blocks' : 'reported below the threshold'}`, () => {
      const inFile = report.findings.filter((f) => path.basename(f.path) === c.file && !f.suppressed);
      expect([...new Set(inFile.map((f) => f.ruleId))].sort()).toEqual([...c.rules].sort());
      const control = report.controls.find((k) => k.id === c.criterion);
      expect(control, c.criterion).toBeDefined();
      for (const rule of c.rules) {
        const findings = inFile.filter((f) => f.ruleId === rule);
        expect(findings.length, rule).toBeGreaterThan(0);
        for (const f of findings) {
          expect(f.criteria, rule).toEqual(expect.arrayContaining([c.criterion, ...(c.also ?? [])]));
          expect(f.unmapped, rule).toBe(false);
          if (c.blocks) {
            expect(['high', 'critical'], rule).toContain(f.severity);
            expect(control?.findings, rule).toContain(f.fingerprint);
          } else {
            expect(f.severity, rule).toBe('medium');
            expect(control?.belowThreshold, rule).toContain(f.fingerprint);
            // Under a medium threshold the same finding fails its criterion.
            const strictControl = strict.controls.find((k) => k.id === c.criterion);
            expect(strictControl?.findings, rule).toContain(f.fingerprint);
            expect(strictControl?.verdict, rule).toBe('fail');
          }
        }
      }
      if (c.blocks) {
        expect(control?.verdict, c.criterion).toBe('fail');
        expect(control?.blocking, c.criterion).toBe(true);
      }
    });
  }
});

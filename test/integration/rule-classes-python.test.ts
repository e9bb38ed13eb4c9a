import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { spawnNode } from '../support/spawn-node.ts';

/*
 * One vulnerability class per file of a small Flask/Django-style fixture app
 * (test/fixtures/rule-classes/python): the real gate, with Semgrep and controlgate's built-in pack,
 * must report each class under the expected rule, map it to the expected SOC 2 criterion, and block.
 *
 * Injection-type classes are ERROR rules (security-severity 7.0 and up): they fail their criterion
 * at the default threshold (high). Audit-level classes are WARNING rules (medium): they are listed
 * below the default threshold and fail once the policy's threshold is medium, so the fixture is
 * scanned twice, once with each policy, in parallel.
 *
 * The fixture sits under test/, which Semgrep's default ignore list leaves out (and controlgate with
 * it, as Semgrep alone would), so it is copied to a temporary folder of its own and scanned there.
 */

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'rule-classes', 'python');
let workspace = '';

interface RuleClass {
  name: string;
  file: string;
  rule: string;
  criterion: string;
  severity: 'high' | 'medium';
}

const CLASSES: readonly RuleClass[] = [
  {
    name: 'SQL injection',
    file: 'sqli.py',
    rule: 'sql-injection-string-format',
    criterion: 'CC7.1',
    severity: 'high',
  },
  {
    name: 'template injection',
    file: 'ssti.py',
    rule: 'template-injection',
    criterion: 'CC7.1',
    severity: 'high',
  },
  {
    name: 'XSS (escaping bypassed)',
    file: 'xss.py',
    rule: 'xss-escaping-bypassed',
    criterion: 'CC7.1',
    severity: 'high',
  },
  { name: 'XXE', file: 'xxe.py', rule: 'xxe-parser', criterion: 'CC7.1', severity: 'high' },
  { name: 'SSRF', file: 'ssrf.py', rule: 'ssrf-request-url', criterion: 'CC7.1', severity: 'high' },
  {
    name: 'path traversal',
    file: 'traversal.py',
    rule: 'path-traversal',
    criterion: 'CC7.1',
    severity: 'high',
  },
  {
    name: 'insecure deserialization',
    file: 'deserialize.py',
    rule: 'deserialization-of-request-data',
    criterion: 'CC7.1',
    severity: 'high',
  },
  {
    name: 'JWT signature not verified',
    file: 'jwt_auth.py',
    rule: 'jwt-verification-disabled',
    criterion: 'CC6.1',
    severity: 'high',
  },
  {
    name: 'command injection (shell -c)',
    file: 'backup.py',
    rule: 'shell-command-via-argv',
    criterion: 'CC7.1',
    severity: 'high',
  },
  {
    name: 'code injection',
    file: 'plugins.py',
    rule: 'eval-injection',
    criterion: 'CC7.1',
    severity: 'high',
  },
  {
    name: 'XSS (Jinja2 autoescape off)',
    file: 'jinja_env.py',
    rule: 'jinja2-autoescape-disabled',
    criterion: 'CC7.1',
    severity: 'medium',
  },
  {
    name: 'open redirect',
    file: 'redirect.py',
    rule: 'open-redirect',
    criterion: 'CC7.1',
    severity: 'medium',
  },
  {
    name: 'weak randomness for secrets',
    file: 'tokens.py',
    rule: 'insecure-random-secret',
    criterion: 'CC6.1',
    severity: 'medium',
  },
  { name: 'weak cipher', file: 'crypto.py', rule: 'weak-cipher', criterion: 'CC6.7', severity: 'medium' },
  {
    name: 'insecure cookie settings',
    file: 'settings.py',
    rule: 'insecure-cookie-settings',
    criterion: 'CC6.7',
    severity: 'medium',
  },
  {
    name: 'CSRF protection off',
    file: 'csrf.py',
    rule: 'csrf-protection-disabled',
    criterion: 'CC6.1',
    severity: 'medium',
  },
  { name: 'ReDoS', file: 'redos.py', rule: 'regex-redos', criterion: 'CC7.1', severity: 'medium' },
  {
    name: 'log injection',
    file: 'audit_log.py',
    rule: 'log-injection',
    criterion: 'CC7.2',
    severity: 'medium',
  },
];

async function scan(config: string): Promise<{ exitCode: number | null; report: JsonReport }> {
  const run = await spawnNode(
    CLI,
    [
      'scan',
      '.',
      '--scanners',
      'semgrep',
      '--config',
      path.join(workspace, config),
      '--no-base',
      '--no-evidence',
      '--no-progress',
      '--format',
      'json',
    ],
    { cwd: workspace, env: process.env, timeoutMs: 300_000 },
  );
  let report: JsonReport;
  try {
    report = parseJsonReport(run.stdout, `controlgate scan --config ${config} (stdout)`);
  } catch (error) {
    throw new Error(`no JSON report (exit ${run.exitCode}): ${String(error)}\n${run.stderr}`);
  }
  return { exitCode: run.exitCode, report };
}

type Finding = JsonReport['findings'][number];

function findingOf(report: JsonReport, c: RuleClass): Finding | undefined {
  return report.findings.find((f) => f.ruleId === `controlgate.python.${c.rule}` && f.path === c.file);
}

function control(report: JsonReport, id: string): JsonReport['controls'][number] {
  const found = report.controls.find((c) => c.id === id);
  if (!found) throw new Error(`no control ${id} in the report`);
  return found;
}

describe('the built-in Semgrep pack on one Python fixture per vulnerability class', {
  timeout: 600_000,
}, () => {
  let atHigh: { exitCode: number | null; report: JsonReport };
  let atMedium: { exitCode: number | null; report: JsonReport };

  beforeAll(async () => {
    workspace = path.join(mkdtempSync(path.join(os.tmpdir(), 'controlgate-rule-classes-py-')), 'app');
    cpSync(FIXTURE, workspace, { recursive: true });
    [atHigh, atMedium] = await Promise.all([scan('controlgate.yml'), scan('controlgate-medium.yml')]);
  }, 600_000);

  afterAll(() => {
    if (workspace) rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  it('ran Semgrep on every fixture file and blocked (exit 1) under both policies', () => {
    for (const { exitCode, report } of [atHigh, atMedium]) {
      expect(report.scanners.map((s) => [s.id, s.status])).toEqual([['semgrep', 'ok']]);
      expect(report.evaluated).toBe(true);
      expect(report.decision).toBe('block');
      expect(exitCode).toBe(1);
    }
  });

  it('maps every finding by its rule id, none unmapped or advisory', () => {
    for (const f of atHigh.report.findings) {
      expect(f.unmapped, f.ruleId).toBe(false);
      expect(f.advisory, f.ruleId).toBe(false);
      expect(f.mappingLayer, f.ruleId).toBe('rule');
    }
  });

  it('reports nothing on the parameterized query next to the injectable one', () => {
    const sqli = atHigh.report.findings.filter(
      (f) => f.path === 'sqli.py' && f.ruleId === 'controlgate.python.sql-injection-string-format',
    );
    expect(sqli.map((f) => f.line)).toEqual([16]);
  });

  describe.each(CLASSES)('$name', (c) => {
    it(`is reported by controlgate.python.${c.rule} in ${c.file}, mapped to ${c.criterion}`, () => {
      const f = findingOf(atHigh.report, c);
      expect(f, `${c.rule} in ${c.file}`).toBeDefined();
      expect(f?.criteria).toContain(c.criterion);
      expect(f?.severity).toBe(c.severity);
      expect(f?.severitySource).toBe('security-severity');
      expect(f?.suppressed).toBe(false);
    });

    if (c.severity === 'high') {
      it(`fails ${c.criterion} and blocks at the default threshold (high)`, () => {
        const f = findingOf(atHigh.report, c) as Finding;
        const ctl = control(atHigh.report, c.criterion);
        expect(ctl.verdict).toBe('fail');
        expect(ctl.blocking).toBe(true);
        expect(ctl.findings).toContain(f.fingerprint);
      });
    } else {
      it(`is below the default threshold, and fails ${c.criterion} and blocks at medium`, () => {
        const low = findingOf(atHigh.report, c) as Finding;
        expect(control(atHigh.report, c.criterion).findings).not.toContain(low.fingerprint);
        const f = findingOf(atMedium.report, c) as Finding;
        expect(f).toBeDefined();
        const ctl = control(atMedium.report, c.criterion);
        expect(ctl.verdict).toBe('fail');
        expect(ctl.blocking).toBe(true);
        expect(ctl.findings).toContain(f.fingerprint);
      });
    }
  });
});

/**
 * Rendering a huge result (issue 8): the PR comment (GitHub and GitLab), the GitHub job summary and
 * the HTML report for 10,000 synthetic findings spread over criteria, severities and scanners, once
 * without a comparison and once compared with a base (half new, half existing, 500 fixed). Time is
 * the median of N renderings (default 5) after one untimed warm-up; sizes are checked against each
 * platform's limit.
 *   npm run bench:render [-- --findings N --fixed N --runs N --wait-minutes N]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../src/catalog/data-files.ts';
import { SEVERITIES, type Severity } from '../src/findings/finding.ts';
import { GITLAB_NOTE_CHARS } from '../src/platforms/gitlab/platform.ts';
import { renderHtmlReport } from '../src/report/html-report.ts';
import type { JsonReport } from '../src/report/json-report-schema.ts';
import { DEFAULT_COMMENT_CHARS, renderComment } from '../src/report/markdown/comment.ts';
import { JOB_SUMMARY_LIMIT, renderJobSummary } from '../src/report/markdown/summary.ts';
import {
  baseline,
  type Control,
  control,
  type Finding,
  type Fixed,
  finding,
  fixedFinding,
  report,
  scanner,
} from '../test/support/report-builders.ts';
import { ciRunFacts } from '../test/support/run-facts.ts';
import {
  loadAverage,
  machineSummary,
  markdownTable,
  median,
  positiveInt,
  waitForQuietMachine,
} from './common.ts';
import { type Random, randomSource } from './generated-repo.ts';

const { values: flags } = parseArgs({
  options: {
    findings: { type: 'string', default: '10000' },
    fixed: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    'wait-minutes': { type: 'string', default: '30' },
  },
});
const findingCount = positiveInt(flags.findings, '--findings', 1);
const fixedCount = positiveInt(flags.fixed, '--fixed', 0);
const runs = positiveInt(flags.runs, '--runs', 1);
const waitSeconds = 60 * positiveInt(flags['wait-minutes'], '--wait-minutes', 0);

// ---------------------------------------------------------------------------------------------
// A synthetic report, shaped like a large real one

/** The technical criteria the findings map to; the rest of the catalog passes or is not covered. */
const HIT = ['CC6.1', 'CC6.3', 'CC6.6', 'CC6.7', 'CC6.8', 'CC7.1', 'CC7.2', 'CC8.1'];
/** Warn-mode criteria: they get tables too, but do not block. */
const WARN = new Set(['CC6.8', 'CC7.2']);

/** Severity shares of a typical scan: a few critical, most medium or low. */
const SEVERITY_SHARES: [Severity, number][] = [
  ['critical', 0.04],
  ['high', 0.2],
  ['medium', 0.36],
  ['low', 0.3],
  ['info', 0.1],
];

function severityOf(r: Random): Severity {
  let x = r.next();
  for (const [s, share] of SEVERITY_SHARES) {
    if (x < share) return s;
    x -= share;
  }
  return 'info';
}

interface Rule {
  scanner: 'semgrep' | 'bandit' | 'kics';
  id: string;
  name: string | null;
  criteria: string[];
  cwe: string[];
  message: string;
  snippet: string;
  ext: string;
  helpUri: string | null;
}

const hex = (text: string, length: number): string =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * 40 Semgrep rules, 30 Bandit tests and 30 KICS queries, each mapped to one or two criteria, with
 * messages and snippets as long as the real tools write them.
 */
function makeRules(r: Random): Rule[] {
  const rules: Rule[] = [];
  const criteria = (): string[] => {
    const first = r.pick(HIT);
    const second = r.pick(HIT);
    return r.next() < 0.5 || first === second ? [first] : [first, second];
  };
  const topics = 'injection crypto secrets deserialization xss ssrf path-traversal auth logging tls'.split(
    ' ',
  );
  for (let i = 0; i < 40; i++) {
    const lang = i % 2 ? 'python' : 'javascript';
    const topic = r.pick(topics);
    rules.push({
      scanner: 'semgrep',
      id: `controlgate.${lang}.${topic}.rule-${i}`,
      name: null,
      criteria: criteria(),
      cwe: [`CWE-${r.int(20, 950)}`],
      message: `Untrusted input reaches a ${topic} sink here (rule ${i}); validate it against an allow-list or use the library's safe API, and see the rule's documentation for a fixed example.`,
      snippet:
        lang === 'python'
          ? `    result = subprocess.check_output(f"export --target {target_${i}}", shell=True)`
          : `  const value = eval(request.query.expression${i} ?? defaults.expression);`,
      ext: lang === 'python' ? '.py' : '.js',
      helpUri: null,
    });
  }
  for (let i = 0; i < 30; i++) {
    const test = `B${r.pick(['1', '3', '5', '6', '7'])}${String(r.int(1, 20)).padStart(2, '0')}`;
    rules.push({
      scanner: 'bandit',
      id: `${test}-${i}`,
      name: `bandit_test_${i}`,
      criteria: criteria(),
      cwe: [`CWE-${r.int(20, 950)}`],
      message: `Possible security issue (test ${test}): a call with shell=True, a weak hash or an unsafe loader was identified; review whether the input can be influenced.`,
      snippet: `    data = pickle.loads(blob_${i})`,
      ext: '.py',
      helpUri: `https://bandit.readthedocs.io/en/1.9.4/plugins/${test.toLowerCase()}_rule_${i}.html`,
    });
  }
  for (let i = 0; i < 30; i++) {
    rules.push({
      scanner: 'kics',
      id: `${hex(`kics${i}`, 8)}-${hex(`a${i}`, 4)}-${hex(`b${i}`, 4)}-${hex(`c${i}`, 4)}-${hex(`d${i}`, 12)}`,
      name: `Resource Misconfiguration Number ${i} Allows Public Access`,
      criteria: criteria(),
      cwe: [`CWE-${r.int(20, 950)}`],
      message: `'aws_security_group[rule_${i}].ingress.cidr_blocks' should not contain '0.0.0.0/0' for administrative ports`,
      snippet: `    cidr_blocks = ["0.0.0.0/0"]`,
      ext: '.tf',
      helpUri: `https://docs.kics.io/latest/queries/terraform-queries/aws/${hex(`kics${i}`, 8)}`,
    });
  }
  return rules;
}

const RANK = new Map(SEVERITIES.map((s, i) => [s, SEVERITIES.length - i]));
const atLeast = (s: Severity, threshold: Severity): boolean =>
  (RANK.get(s) ?? 0) >= (RANK.get(threshold) ?? 0);

interface Synthetic {
  findings: Finding[];
  fixed: Fixed[];
}

function synthesize(count: number, fixed: number, compared: boolean): Synthetic {
  // The same seed for both variants: the compared report is the same findings, half of them existing.
  const r = randomSource(0x4e4d_0008);
  const rules = makeRules(r);
  const pickRule = (): Rule => {
    // Semgrep gives half the findings, Bandit and KICS a quarter each.
    const x = r.next();
    const scannerId = x < 0.5 ? 'semgrep' : x < 0.75 ? 'bandit' : 'kics';
    return r.pick(rules.filter((rule) => rule.scanner === scannerId));
  };
  const domains = 'billing inventory accounts shipping catalog search reports auth'.split(' ');
  const findings: Finding[] = [];
  for (let n = 0; n < count; n++) {
    const rule = pickRule();
    const secret = rule.scanner === 'semgrep' && r.next() < 0.02;
    const line = r.int(1, 400);
    const file =
      rule.ext === '.tf'
        ? `infra/terraform/${r.pick(domains)}_${r.int(1, 60)}.tf`
        : `${rule.ext === '.py' ? 'services' : 'web'}/${r.pick(domains)}/module_${r.int(1, 250)}${rule.ext}`;
    findings.push(
      finding(n, {
        scanner: rule.scanner,
        scannerVersion: { semgrep: '1.180.0', bandit: '1.9.4', kics: '2.2.0' }[rule.scanner],
        ruleId: rule.id,
        ruleName: rule.name,
        severity: severityOf(r),
        criteria: rule.criteria,
        cwe: rule.cwe,
        path: file,
        line,
        endLine: line + r.int(0, 3),
        column: r.int(1, 40),
        fingerprint: hex(`finding ${n}`, 32),
        message: secret
          ? 'Hard-coded credential: a value that looks like an API key ([REDACTED])'
          : rule.message,
        snippet: secret ? '  const apiKey = "[REDACTED]";' : rule.snippet,
        secret,
        helpUri: rule.helpUri,
        suppressed: r.next() < 0.02,
        baselineState: compared ? (r.next() < 0.5 ? 'new' : 'unchanged') : null,
      }),
    );
  }
  const gone: Fixed[] = [];
  for (let n = 0; n < fixed; n++) {
    const rule = pickRule();
    gone.push(
      fixedFinding(n, {
        scanner: rule.scanner,
        ruleId: rule.id,
        ruleName: rule.name,
        severity: severityOf(r),
        criteria: rule.criteria,
        cwe: rule.cwe,
        path: `services/legacy/old_module_${r.int(1, 120)}${rule.ext}`,
        fingerprint: hex(`fixed ${n}`, 32),
        message: rule.message,
        snippet: rule.snippet,
      }),
    );
  }
  return { findings, fixed: compared ? gone : [] };
}

/** The criteria as the gate would judge them: default policy (block at high), two in warn mode. */
function controlsFor(findings: readonly Finding[], compared: boolean): Control[] {
  const catalog = loadCatalog().data;
  return catalog.criteria.map((criterion) => {
    if (!HIT.includes(criterion.id)) {
      const verdict =
        criterion.category !== 'security'
          ? 'out-of-scope'
          : criterion.signal === 'process'
            ? 'not-covered'
            : 'pass';
      return control(criterion.id, verdict, { title: criterion.title, coveredBy: [] });
    }
    const warn = WARN.has(criterion.id);
    const threshold: Severity = warn ? 'medium' : 'high';
    const lists = {
      findings: [] as string[],
      belowThreshold: [] as string[],
      existing: [] as string[],
      suppressed: [] as string[],
    };
    const covering = new Set<string>();
    for (const f of findings) {
      if (!f.criteria.includes(criterion.id)) continue;
      covering.add(f.scanner);
      if (f.suppressed) lists.suppressed.push(f.fingerprint);
      else if (!atLeast(f.severity, threshold)) lists.belowThreshold.push(f.fingerprint);
      else if (compared && f.baselineState === 'unchanged') lists.existing.push(f.fingerprint);
      else lists.findings.push(f.fingerprint);
    }
    const flagged = lists.findings.length > 0;
    return control(criterion.id, flagged ? (warn ? 'warn' : 'fail') : 'pass', {
      title: criterion.title,
      mode: warn ? 'warn' : 'block',
      severity: threshold,
      blocking: flagged && !warn,
      coveredBy: [...covering].sort(),
      ...lists,
    });
  });
}

function syntheticReport(compared: boolean): JsonReport {
  const { findings, fixed } = synthesize(findingCount, fixedCount, compared);
  const count = (id: string) => findings.filter((f) => f.scanner === id).length;
  const scanners = [
    scanner('semgrep', {
      version: '1.180.0',
      findings: count('semgrep'),
      filesScanned: 3000,
      durationMs: 41_200,
    }),
    scanner('bandit', {
      version: '1.9.4',
      findings: count('bandit'),
      filesScanned: 1640,
      durationMs: 12_900,
    }),
    scanner('kics', { version: '2.2.0', findings: count('kics'), filesScanned: 60, durationMs: 38_700 }),
  ];
  const changed = compared
    ? [...new Set(findings.filter((f) => f.baselineState === 'new').map((f) => f.path))]
    : [];
  return report({
    controls: controlsFor(findings, compared),
    findings,
    scanners,
    fixed,
    ...(compared
      ? {
          baseline: baseline({
            counts: {
              new: findings.filter((f) => f.baselineState === 'new').length,
              unchanged: findings.filter((f) => f.baselineState === 'unchanged').length,
              fixed: fixed.length,
            },
            changedFiles: changed.map((p) => ({ status: 'modified', path: p, oldPath: null })),
            scanners: scanners.map((s) => ({
              id: s.id,
              scope: 'changed-files' as const,
              compared: true,
              reason: null,
              baseStatus: 'ok' as const,
              baseFilesScanned: 400,
              baseDurationMs: 9_000,
            })),
          }),
        }
      : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering

// The options the gate passes (src/gate/publish.ts), with each platform's limit.
const repoUrl = 'https://github.com/octo/shop';
const headSha = '4f3c2a1b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a';
const runUrl = 'https://github.com/octo/shop/actions/runs/9876543210';

interface Output {
  name: string;
  /** The platform's limit and the unit it counts in; none for the HTML file. */
  limit?: { value: number; unit: 'chars' | 'bytes'; what: string };
  render: (r: JsonReport) => string;
}

const outputs: Output[] = [
  {
    name: 'GitHub PR comment',
    limit: { value: DEFAULT_COMMENT_CHARS, unit: 'chars', what: 'GitHub comment body' },
    render: (r) =>
      renderComment(r, {
        commentKey: 'default',
        repoUrl,
        headSha,
        runUrl,
        detailsHint: 'the `controlgate-evidence` artifact',
      }),
  },
  {
    name: 'GitHub job summary',
    limit: {
      value: JOB_SUMMARY_LIMIT,
      unit: 'bytes',
      what: 'job summary (1 MiB; controlgate keeps 1,000,000 bytes)',
    },
    render: (r) =>
      renderJobSummary(r, {
        repoUrl,
        headSha,
        runUrl,
        detailsHint: 'the `controlgate-evidence` artifact of this run',
      }),
  },
  {
    name: 'GitLab MR note',
    limit: { value: GITLAB_NOTE_CHARS, unit: 'chars', what: 'GitLab note' },
    render: (r) =>
      renderComment(r, {
        commentKey: 'default',
        repoUrl: 'https://gitlab.com/octo/shop/-',
        headSha,
        runUrl: 'https://gitlab.com/octo/shop/-/pipelines/123456',
        detailsHint: 'the job artifacts (controlgate-evidence)',
        maxChars: GITLAB_NOTE_CHARS,
      }),
  },
  {
    name: 'HTML report',
    render: (r) => renderHtmlReport(r, ciRunFacts(r)),
  },
];

/** What the body shows: all rows, or the builder's own "showing X of Y" note. */
function shown(body: string, output: Output): string {
  if (!output.limit) {
    const rows = body.match(/<tr data-index=/g)?.length;
    return rows === undefined ? '' : `${rows.toLocaleString('en')} finding rows`;
  }
  const note = /Shortened to fit the size limit:\*\* ([^.]*)\./.exec(body)?.[1];
  return note ? `shortened: ${note}` : 'everything, not shortened';
}

function measure(label: string, r: JsonReport): string[][] {
  const rows: string[][] = [];
  for (const output of outputs) {
    output.render(r); // warm-up: compiles the renderer, so the median is the steady state
    const times: number[] = [];
    let body = '';
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      body = output.render(r);
      times.push(performance.now() - started);
    }
    const chars = body.length;
    const bytes = Buffer.byteLength(body, 'utf8');
    const size = output.limit?.unit === 'bytes' ? bytes : chars;
    const fits = output.limit ? (size <= output.limit.value ? 'yes' : 'NO') : '';
    rows.push([
      output.name,
      median(times).toFixed(0),
      `${chars.toLocaleString('en')} chars / ${bytes.toLocaleString('en')} bytes`,
      output.limit ? `${output.limit.value.toLocaleString('en')} ${output.limit.unit}` : 'none',
      fits,
      shown(body, output),
    ]);
    process.stderr.write(`${label}: ${output.name} ${median(times).toFixed(0)} ms\n`);
  }
  return rows;
}

const quiet = await waitForQuietMachine({ maxWaitSeconds: waitSeconds });
console.log(
  `machine: ${machineSummary()}; median of ${runs} renderings after a warm-up; load average ${loadAverage()} at the start${quiet.quiet ? '' : ' (NOT quiet: figures taken under load)'}\n`,
);
for (const compared of [false, true]) {
  const r = syntheticReport(compared);
  const fail = r.controls.filter((c) => c.verdict === 'fail').length;
  const warn = r.controls.filter((c) => c.verdict === 'warn').length;
  const rows = r.controls.reduce((n, c) => n + c.findings.length, 0);
  const existing = r.controls.reduce((n, c) => n + c.existing.length, 0);
  const label = compared
    ? `compared with a base: ${r.baseline?.counts.new} new, ${r.baseline?.counts.unchanged} existing, ${r.fixed.length} fixed`
    : 'no comparison';
  console.log(
    `### ${findingCount.toLocaleString('en')} findings, ${label}\n\n${r.summary.findings.toLocaleString('en')} findings (${r.summary.suppressed} suppressed; ${SEVERITIES.map((s) => `${r.summary.bySeverity[s]} ${s}`).join(', ')}); ${fail} criteria fail and ${warn} warn with ${rows.toLocaleString('en')} finding rows${compared ? ` and ${existing.toLocaleString('en')} existing-finding rows` : ''}; JSON report ${(Buffer.byteLength(JSON.stringify(r)) / 2 ** 20).toFixed(1)} MiB.\n`,
  );
  console.log(
    markdownTable(
      ['output', 'median time (ms)', 'size', 'limit', 'fits', 'what it shows'],
      measure(label, r),
      [false, true, true, true, false, false],
    ),
  );
  console.log('');
}
console.log(`load average at the end: ${loadAverage()}`);

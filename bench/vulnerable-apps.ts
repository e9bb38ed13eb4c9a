/**
 * How much of the documented vulnerabilities of public, deliberately vulnerable apps the gate
 * catches: each app is extracted at a pinned commit, scanned with `controlgate scan --no-base`
 * (Semgrep + Bandit for the code apps, KICS for the IaC ones), and its findings are matched against a
 * ground truth written from the app's own documentation (bench/vulnerable-apps/<app>.truth.json).
 *   npm run bench:vulnerable-apps [-- --mirror DIR --only NAME … --keep]
 * Needs `npm run build` and `npm run scanners:install` first, and a bare clone of each repository at
 * DIR/<owner>+<name>/repo (default /work/.mirror, or CONTROLGATE_BENCH_MIRROR) holding the pinned
 * commit; the script says how to get one when it is missing. Markdown to stdout, JSON to
 * out/bench/vulnerable-apps.json.
 *
 * A documented vulnerability is caught "in place" when a finding is in its file and the finding's
 * lines overlap the documented range widened by 2 lines on each side; counted for any scanner, for
 * Semgrep's built-in pack alone (rule ids `controlgate.*`), and for findings that block the gate (at
 * or above the threshold of a criterion in block mode). "Same class" also wants the finding to name
 * the vulnerability's class by its CWE (CLASS_CWES): a hard-coded password next to an SQL query is in
 * place, but it did not find the injection.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineSummary, markdownTable } from './common.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const truthDir = path.join(root, 'bench', 'vulnerable-apps');
const outFile = path.join(root, 'out', 'bench', 'vulnerable-apps.json');

const { values: flags } = parseArgs({
  options: {
    mirror: { type: 'string', default: process.env.CONTROLGATE_BENCH_MIRROR ?? '/work/.mirror' },
    // Only the apps named (repeatable), e.g. --only dvpwa.
    only: { type: 'string', multiple: true },
    // Keep the extracted apps and the scan results in the temporary folder.
    keep: { type: 'boolean', default: false },
  },
});

/** How many lines either side of a documented range a finding may start or end and still count. */
const SLACK = 2;

interface App {
  name: string;
  repo: string;
  commit: string;
  kind: 'code' | 'iac';
  scanners: string;
  /** Ground truth file in bench/vulnerable-apps; code apps only. */
  truth?: string;
}

const APPS: App[] = [
  {
    name: 'pygoat',
    repo: 'adeyosemanputra/pygoat',
    commit: '19d17cc8874861142b330636d068bbde54e86b85',
    kind: 'code',
    scanners: 'semgrep,bandit',
    truth: 'pygoat.truth.json',
  },
  {
    name: 'dvpwa',
    repo: 'anxolerd/dvpwa',
    commit: 'a1d8f89fac2e57093189853c6527c2b01fc1d9c1',
    kind: 'code',
    scanners: 'semgrep,bandit',
    truth: 'dvpwa.truth.json',
  },
  {
    name: 'NodeGoat',
    repo: 'OWASP/NodeGoat',
    commit: 'c5cb68a7084e4ae7dcc60e6a98768720a81841e8',
    kind: 'code',
    scanners: 'semgrep,bandit',
    truth: 'nodegoat.truth.json',
  },
  {
    name: 'dvna',
    repo: 'appsecco/dvna',
    commit: '9ba473add536f66ac9007966acb2a775dd31277a',
    kind: 'code',
    scanners: 'semgrep,bandit',
    truth: 'dvna.truth.json',
  },
  {
    name: 'terragoat',
    repo: 'bridgecrewio/terragoat',
    commit: '729f8da62c6a85ce4af5ad3d123de97776d954c4',
    kind: 'iac',
    scanners: 'kics',
  },
  {
    name: 'kubernetes-goat',
    repo: 'madhuakula/kubernetes-goat',
    commit: '56e60a29ed66fda476fa4794b41749e953cbd60f',
    kind: 'iac',
    scanners: 'kics',
  },
];

interface Vuln {
  id: string;
  file: string;
  lines: [number, number];
  class: string;
  cwe?: string;
  doc: string;
}

interface Truth {
  app: string;
  repo: string;
  commit: string;
  vulns: Vuln[];
  skipped: { what: string; why: string }[];
}

/** The parts of `controlgate scan --format json` this benchmark reads. */
interface Finding {
  scanner: string;
  ruleId: string;
  severity: string;
  criteria: string[];
  path: string;
  line: number | null;
  endLine: number | null;
  fingerprint: string;
  suppressed: boolean;
  cwe?: string[];
  /** Other tools' findings merged into this problem. */
  sources?: Omit<Finding, 'sources'>[];
}

/**
 * Every tool's finding, one for one; a merged source carries its problem's fingerprint, which is the
 * one the controls list (the problem blocks or not as a whole).
 */
function everyFinding(result: ScanResult): Finding[] {
  return result.findings.flatMap((p) =>
    p.sources?.length ? p.sources.map((s) => ({ ...s, fingerprint: p.fingerprint })) : [p],
  );
}

interface Control {
  id: string;
  verdict: string;
  mode: string;
  severity: string;
  blocking: boolean;
  findings: string[];
  belowThreshold: string[];
}

interface ScanResult {
  decision: string;
  summary: { findings: number; problems?: number; bySeverity: Record<string, number> };
  scanners: { id: string; status: string; version: string | null; findings: number; durationMs: number }[];
  findings: Finding[];
  controls: Control[];
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function gitDirOf(app: App): string {
  return path.join(flags.mirror, app.repo.replace('/', '+'), 'repo');
}

function howToGet(app: App, gitDir: string): string {
  return [
    `  git clone --bare https://github.com/${app.repo}.git ${gitDir}`,
    `  git --git-dir=${gitDir} cat-file -e ${app.commit}^{commit}   # the pinned commit must be there`,
  ].join('\n');
}

/**
 * The app's tree at the pinned commit, without the blobs the mirror lacks (a mirror may leave large
 * files out; kubernetes-goat's build tarballs, which no scanner reads).
 */
function extract(app: App, dest: string): string[] {
  const gitDir = gitDirOf(app);
  if (!existsSync(gitDir))
    fail(
      `${app.name}: no repository at ${gitDir}. Get ${app.repo} at ${app.commit}:\n${howToGet(app, gitDir)}`,
    );
  const has = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '-e', `${app.commit}^{commit}`]);
  if (has.status !== 0)
    fail(`${app.name}: ${gitDir} does not hold commit ${app.commit}. Fetch it:\n${howToGet(app, gitDir)}`);
  const tree = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', app.commit], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const blobs = tree
    .split('\0')
    .filter(Boolean)
    .map((entry) => {
      const [meta = '', file = ''] = entry.split('\t');
      return { type: meta.split(' ')[1], oid: meta.split(' ')[2] ?? '', file };
    })
    .filter((b) => b.type === 'blob');
  const check = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '--batch-check'], {
    input: blobs.map((b) => b.oid).join('\n'),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const missingOids = new Set(
    check.stdout
      .split('\n')
      .filter((l) => l.endsWith(' missing'))
      .map((l) => l.split(' ')[0]),
  );
  const missing = blobs.filter((b) => missingOids.has(b.oid)).map((b) => b.file);
  mkdirSync(dest, { recursive: true });
  const archive = spawnSync(
    'git',
    ['--git-dir', gitDir, 'archive', app.commit, '--', '.', ...missing.map((f) => `:(exclude,literal)${f}`)],
    { maxBuffer: 1024 * 1024 * 1024 },
  );
  if (archive.status !== 0) fail(`${app.name}: git archive failed: ${archive.stderr.toString()}`);
  const tar = spawnSync('tar', ['-x', '-C', dest], { input: archive.stdout });
  if (tar.status !== 0) fail(`${app.name}: tar failed: ${tar.stderr.toString()}`);
  return missing;
}

function scan(app: App, dir: string, resultFile: string): { result: ScanResult; wall: number } {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      cli,
      'scan',
      dir,
      '--scanners',
      app.scanners,
      '--no-base',
      '--format',
      'json',
      '--output',
      resultFile,
      '--fail-mode',
      'report-only',
      '--no-evidence',
      '--no-progress',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0 || !existsSync(resultFile))
    fail(`${app.name}: controlgate scan exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as ScanResult;
  const failed = result.scanners.filter((s) => s.status !== 'ok' && s.status !== 'skipped');
  if (failed.length) fail(`${app.name}: scanner(s) did not run: ${failed.map((s) => s.id).join(', ')}`);
  return { result, wall };
}

const builtin = (f: Finding): boolean => f.scanner === 'semgrep' && f.ruleId.startsWith('controlgate.');

/** Fingerprints of the findings that make a criterion in block mode fail. */
function blockingFingerprints(result: ScanResult): Set<string> {
  return new Set(result.controls.filter((c) => c.mode === 'block').flatMap((c) => c.findings));
}

function matches(v: Vuln, f: Finding): boolean {
  if (f.suppressed || f.path !== v.file || f.line == null) return false;
  const end = f.endLine ?? f.line;
  return f.line <= v.lines[1] + SLACK && end >= v.lines[0] - SLACK;
}

/**
 * The CWEs that name each class: a finding in the right place counts for "same class" only when it
 * names one of these (or the documented vulnerability's own CWE). A hard-coded password two lines from
 * an SQL query is in the right place for the wrong reason.
 */
const CLASS_CWES: Record<string, string[]> = {
  'SQL injection': ['CWE-89', 'CWE-564'],
  'NoSQL injection': ['CWE-943'],
  'command injection': ['CWE-77', 'CWE-78'],
  'code injection': ['CWE-94', 'CWE-95'],
  SSTI: ['CWE-1336', 'CWE-94'],
  XSS: ['CWE-79', 'CWE-80', 'CWE-116'],
  XXE: ['CWE-611', 'CWE-776'],
  SSRF: ['CWE-918'],
  'open redirect': ['CWE-601'],
  'path traversal': ['CWE-22', 'CWE-23', 'CWE-36', 'CWE-73'],
  'insecure deserialization': ['CWE-502'],
  JWT: ['CWE-345', 'CWE-347', 'CWE-757'],
  'weak crypto/randomness': ['CWE-326', 'CWE-327', 'CWE-328', 'CWE-330', 'CWE-338', 'CWE-759', 'CWE-916'],
  'TLS off': ['CWE-295', 'CWE-297', 'CWE-319'],
  'insecure cookie/session': ['CWE-384', 'CWE-539', 'CWE-565', 'CWE-613', 'CWE-614', 'CWE-1004', 'CWE-1275'],
  'CSRF off': ['CWE-352'],
  ReDoS: ['CWE-1333'],
  'log injection': ['CWE-93', 'CWE-117'],
  'hard-coded secret': ['CWE-259', 'CWE-321', 'CWE-798'],
  other: [],
};

/**
 * Bandit rules whose CWE is too broad to name the class they are about (the XML parser calls and
 * yaml.load carry CWE-20, eval CWE-78, the Flask debug check CWE-94).
 */
const BANDIT_CWE: Record<string, string> = {
  B201: 'CWE-489',
  B307: 'CWE-95',
  B506: 'CWE-502',
  ...Object.fromEntries(
    [
      'B313',
      'B314',
      'B315',
      'B316',
      'B317',
      'B318',
      'B319',
      'B320',
      'B405',
      'B406',
      'B407',
      'B408',
      'B409',
      'B410',
    ].map((id) => [id, 'CWE-611']),
  ),
};

function sameClass(v: Vuln, f: Finding): boolean {
  const named = new Set([
    ...(f.cwe ?? []),
    ...(f.scanner === 'bandit' && BANDIT_CWE[f.ruleId] ? [BANDIT_CWE[f.ruleId]] : []),
  ]);
  const wanted = [...(CLASS_CWES[v.class] ?? []), ...(v.cwe ? [v.cwe] : [])];
  return wanted.some((cwe) => named.has(cwe));
}

interface Judged {
  vuln: Vuln;
  /** A finding of any scanner in the place (file, lines ± SLACK). */
  any: boolean;
  /** A finding of the built-in Semgrep pack in the place. */
  builtin: boolean;
  /** A finding in the place that makes a block-mode criterion fail. */
  blocking: boolean;
  /** The same three with a finding that also names the class (CLASS_CWES). */
  anyClass: boolean;
  builtinClass: boolean;
  blockingClass: boolean;
  /** A built-in pack finding of the class that itself blocks. */
  builtinClassBlocking: boolean;
  by: string[];
}

function judge(truth: Truth, result: ScanResult): Judged[] {
  const blocking = blockingFingerprints(result);
  const blocks = (f: Finding): boolean => blocking.has(f.fingerprint);
  return truth.vulns.map((vuln) => {
    const hits = everyFinding(result).filter((f) => matches(vuln, f));
    const ofClass = hits.filter((f) => sameClass(vuln, f));
    return {
      vuln,
      any: hits.length > 0,
      builtin: hits.some(builtin),
      blocking: hits.some(blocks),
      anyClass: ofClass.length > 0,
      builtinClass: ofClass.some(builtin),
      blockingClass: ofClass.some(blocks),
      builtinClassBlocking: ofClass.some((f) => builtin(f) && blocks(f)),
      by: [
        ...new Set(hits.map((f) => `${f.scanner}:${f.ruleId}${sameClass(vuln, f) ? '' : ' (other class)'}`)),
      ],
    };
  });
}

const MEASURES = [
  'any',
  'builtin',
  'blocking',
  'anyClass',
  'builtinClass',
  'blockingClass',
  'builtinClassBlocking',
] as const;
type Measure = (typeof MEASURES)[number];
type Tally = { total: number } & Record<Measure, number>;

/** Column headings of the measures, in MEASURES order. */
const MEASURE_HEADINGS = [
  'in place: any scanner',
  'in place: built-in Semgrep',
  'in place: blocking',
  'same class: any scanner',
  'same class: built-in Semgrep',
  'same class: blocking',
  'same class: built-in and blocking',
];

function tally(judged: readonly Judged[]): Tally {
  const t = { total: judged.length } as Tally;
  for (const m of MEASURES) t[m] = judged.filter((j) => j[m]).length;
  return t;
}

function byClass(judged: readonly Judged[]): Record<string, Tally> {
  const classes = [...new Set(judged.map((j) => j.vuln.class))].sort((a, b) => a.localeCompare(b));
  return Object.fromEntries(classes.map((c) => [c, tally(judged.filter((j) => j.vuln.class === c))]));
}

interface CriterionCount {
  criterion: string;
  findings: number;
  atThreshold: number;
  verdict: string;
  mode: string;
  blocks: boolean;
}

function perCriterion(result: ScanResult): CriterionCount[] {
  const counts = new Map<string, number>();
  for (const f of result.findings)
    if (!f.suppressed) for (const c of f.criteria) counts.set(c, (counts.get(c) ?? 0) + 1);
  return result.controls
    .filter((c) => counts.has(c.id))
    .map((c) => ({
      criterion: c.id,
      findings: counts.get(c.id) ?? 0,
      atThreshold: c.findings.length,
      verdict: c.verdict,
      mode: c.mode,
      blocks: c.blocking,
    }));
}

function perScanner(
  result: ScanResult,
): Record<string, { status: string; findings: number; builtin?: number }> {
  return Object.fromEntries(
    result.scanners.map((s) => [
      s.id,
      {
        status: s.status,
        findings: s.findings,
        ...(s.id === 'semgrep' ? { builtin: everyFinding(result).filter(builtin).length } : {}),
      },
    ]),
  );
}

function classTable(rows: readonly (readonly [string, Tally])[]): string {
  return markdownTable(
    ['class', 'documented', ...MEASURE_HEADINGS],
    rows.map(([c, t]) => [c, String(t.total), ...MEASURES.map((m) => String(t[m]))]),
    [false, ...MEASURES.map(() => true), true],
  );
}

const ratio = (n: number, d: number): string => (d ? `${n}/${d} (${Math.round((100 * n) / d)} %)` : '–');

const selected = flags.only?.length ? APPS.filter((a) => flags.only?.includes(a.name)) : APPS;
if (!selected.length) fail(`--only names none of: ${APPS.map((a) => a.name).join(', ')}`);
if (!existsSync(cli)) fail(`${cli} is missing: run npm run build first`);
// Every mirror first, so a missing one stops the run before any scan.
for (const app of selected)
  if (!existsSync(gitDirOf(app)))
    fail(
      `${app.name}: no repository at ${gitDirOf(app)}. Get ${app.repo} at ${app.commit}:\n${howToGet(app, gitDirOf(app))}`,
    );

const scratch = mkdtempSync(path.join(os.tmpdir(), 'controlgate-vulnerable-apps-'));
const report: Record<string, unknown>[] = [];
const sections: string[] = [];
const codeRows: string[][] = [];
const classTotals = new Map<string, Judged[]>();
const iacRows: string[][] = [];
const uncaught: { app: string; id: string; where: string; class: string; otherScanner: boolean }[] = [];
// On every exit, a failed app's included: the extracted apps are scratch.
process.on('exit', () => {
  if (flags.keep) writeSync(2, `kept ${scratch}\n`);
  else rmSync(scratch, { recursive: true, force: true });
});

for (const app of selected) {
  const dir = path.join(scratch, app.name);
  const missing = extract(app, dir);
  process.stderr.write(`${app.name}: scanning with ${app.scanners} …\n`);
  const { result, wall } = scan(app, dir, path.join(scratch, `${app.name}.json`));
  const scanners = perScanner(result);
  const criteria = perCriterion(result);
  const entry: Record<string, unknown> = {
    app: app.name,
    repo: app.repo,
    commit: app.commit,
    kind: app.kind,
    scanners: app.scanners,
    missingBlobs: missing,
    wallSeconds: Number(wall.toFixed(1)),
    decision: result.decision,
    findings: result.summary.findings,
    problems: result.summary.problems ?? result.summary.findings,
    bySeverity: result.summary.bySeverity,
    perScanner: scanners,
    perCriterion: criteria,
  };
  const scannerText = Object.entries(scanners)
    .map(
      ([id, s]) =>
        `${id} ${s.status === 'ok' ? s.findings : s.status}${s.builtin != null ? ` (built-in pack ${s.builtin})` : ''}`,
    )
    .join(', ');
  const criterionTable = markdownTable(
    ['criterion', 'findings', 'at/above threshold', 'verdict', 'blocks'],
    criteria.map((c) => [
      c.criterion,
      String(c.findings),
      String(c.atThreshold),
      c.verdict,
      c.blocks ? 'yes' : c.mode === 'block' ? 'no' : `no (${c.mode})`,
    ]),
    [false, true, true],
  );
  let text = `### ${app.name} (${app.repo} @ ${app.commit.slice(0, 12)})\n\nRaw findings: ${scannerText}; ${result.summary.problems ?? result.summary.findings} shown after merging what two tools found at one place; gate decision: ${result.decision}.\n\n${criterionTable}\n`;
  if (app.truth) {
    const truth = JSON.parse(readFileSync(path.join(truthDir, app.truth), 'utf8')) as Truth;
    if (truth.commit !== app.commit)
      fail(`${app.truth} was written for ${truth.commit}, the benchmark scans ${app.commit}`);
    const judged = judge(truth, result);
    const overall = tally(judged);
    for (const j of judged) classTotals.set(j.vuln.class, [...(classTotals.get(j.vuln.class) ?? []), j]);
    codeRows.push([
      app.name,
      String(overall.total),
      ...MEASURES.map((m) => ratio(overall[m], overall.total)),
    ]);
    const classes = byClass(judged);
    text += `\n${classTable(Object.entries(classes))}\n`;
    const missed = judged.filter((j) => !j.builtinClass);
    if (missed.length) {
      text += `\nNot caught by the built-in pack with a finding of the class:\n${missed
        .map(
          (j) =>
            `- ${j.vuln.file}:${j.vuln.lines[0]}-${j.vuln.lines[1]} ${j.vuln.class} (${j.vuln.id})${j.by.length ? `; in place: ${j.by.join(', ')}` : ''}`,
        )
        .join('\n')}\n`;
      for (const j of missed)
        uncaught.push({
          app: app.name,
          id: j.vuln.id,
          where: `${j.vuln.file}:${j.vuln.lines[0]}-${j.vuln.lines[1]}`,
          class: j.vuln.class,
          otherScanner: j.anyClass,
        });
    }
    Object.assign(entry, {
      documented: overall,
      byClass: classes,
      skipped: truth.skipped.length,
      vulns: judged.map((j) => ({
        id: j.vuln.id,
        file: j.vuln.file,
        lines: j.vuln.lines,
        class: j.vuln.class,
        ...Object.fromEntries(MEASURES.map((m) => [m, j[m]])),
        by: j.by,
      })),
    });
  } else {
    iacRows.push([
      app.name,
      String(scanners.kics?.findings ?? 0),
      criteria.map((c) => `${c.criterion} ${c.findings} (${c.atThreshold})`).join(', '),
      result.decision,
    ]);
  }
  sections.push(text);
  report.push(entry);
}

const allClasses = [...classTotals.entries()].sort(([a], [b]) => a.localeCompare(b));
const summary = {
  date: new Date().toISOString(),
  machine: machineSummary(),
  slackLines: SLACK,
  apps: report,
  byClass: Object.fromEntries(allClasses.map(([c, judged]) => [c, tally(judged)])),
  uncaught,
};
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(summary, null, 2)}\n`);

console.log(`${summary.date}; ${summary.machine}; a finding counts within ±${SLACK} lines\n`);
if (codeRows.length) {
  const all = tally([...classTotals.values()].flat());
  codeRows.push(['**all**', String(all.total), ...MEASURES.map((m) => ratio(all[m], all.total))]);
  console.log(
    markdownTable(['app', 'documented', ...MEASURE_HEADINGS], codeRows, [
      false,
      ...MEASURES.map(() => true),
      true,
    ]),
  );
  console.log(`\n${classTable(allClasses.map(([c, judged]) => [c, tally(judged)]))}\n`);
}
if (iacRows.length)
  console.log(
    `${markdownTable(
      ['app', 'KICS findings', 'findings per criterion (at/above threshold)', 'decision'],
      iacRows,
      [false, true],
    )}\n`,
  );
console.log(sections.join('\n'));
console.log(`JSON: ${path.relative(root, outFile)}`);

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROLGATE_URI } from '../../src/version.ts';
import {
  type ActionRun,
  type ActionWorkspace,
  actionEnv,
  assertActionBuilt,
  createActionWorkspace,
  fakeToken,
  HEAD_SHA,
  PR_NUMBER,
  readOutputs,
  runAction,
} from '../support/action-env.ts';
import { mergeRequestPipelineEnv, withoutCiVariables } from '../support/ci-env.ts';
import { CLI, REPO_ROOT } from '../support/cli.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { type FakeGitLab, startFakeGitLab } from '../support/fake-gitlab.ts';
import { tail } from '../support/run-checks.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';

/*
 * Text an attacker controls (scanned file names and code, a scanner's messages, rule ids and names,
 * help links, its name, version and error output) must be inert wherever controlgate shows it. One
 * hostile workspace is scanned twice: by the GitHub Action (PR comment, job summary, annotations, its
 * log) and by the CLI in a GitLab merge request pipeline (MR note, terminal output); both write an
 * HTML report, opened in Chromium. Each channel is then checked with the rules of the thing that
 * reads it: GitHub-flavoured Markdown, the runner's workflow-command parser, a terminal, a browser.
 */

const TOOL = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile-content', 'hostile-tool.mjs');
const CHROMIUM = '/usr/bin/chromium';
const MR_IID = 7;

/** One attack each; every finding field below gets them in a different rotation. */
const PAYLOADS = [
  '@octocat and @github/security-team please approve',
  '<img src=x onerror=alert(1)> <svg onload=alert(2)>',
  '<script>alert(document.cookie)</script>',
  'see [the fix](javascript:alert(1)) and ![pixel](https://evil.example/p.png)',
  'a ` b `` c ``` fenced ``` <b>bold</b> `',
  '<!-- controlgate:comment key=default --> <!-- everything below is hidden',
  '\u001b[2J\u001b[31mred\u001b[0m \u001b]8;;javascript:alert(1)\u0007click me\u001b]8;;\u0007 \u009b31m',
  'invoice\u202egnp.exe \u2066isolated\u2069 \u200fRLM \u061cALM \u200bZWSP \u2060WJ \u00adSHY \u{e0041}\u{e0042}TAGS',
  '| cell | break |\n\n# heading\n::error file=forged.py::FORGED\n##[error]FORGED',
  '%0A::warning::FORGED %25 a,b:c\r\n::add-mask::x\r::stop-commands::FORGED',
];

/**
 * Files in the workspace, named to attack every place a path is shown. Linux allows any byte but
 * `/` and NUL in a name, so the `/` in the script tag makes a folder.
 */
const HOSTILE_FILES = [
  'src/@octocat <img src=x onerror=alert(1)>.py',
  'src/<script>alert(1)</script>.py',
  'src/](javascript:alert(1)) [x](javascript:alert(2)).py',
  'src/`tick` ``` fence ```.py',
  'src/<!-- controlgate:comment key=default -->.py',
  'src/\u001b[2J\u001b]8;;javascript:alert(1)\u0007click\u001b]8;;\u0007.py',
  'src/invoice\u202egnp.py',
  'src/a,b:c%0A%25::warning file=forged.py::FORGED.py',
  'src/line\n::error file=forged.py::FORGED ##[error]FORGED\u202e.py',
  'src/\u009b2J tab\there \r carriage.py',
];

/** Help links a rule may carry: none of them may become a clickable non-web link. */
const HELP_URIS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'https://evil.example/x"><img src=x onerror=alert(1)>',
  "https://evil.example/a'onmouseover='alert(1)",
  'https://evil.example/) [more](javascript:alert(1)',
  'file:///etc/passwd',
];

/** The custom scanners' configured names, version output and error output. */
const SCANNER_NAME = 'Evil <img src=x onerror=alert(1)> @octocat \u001b[31m\u202e ##[error]FORGED';
const BROKEN_NAME = 'Broken\n::error file=forged.py::FORGED\n##[warning]FORGED <script>alert(1)</script>';
const VERSION_TEXT =
  '\u001b[2J\u001b]8;;javascript:alert(1)\u0007v\u202e ##[warning]FORGED @octocat <script>x</script>\n';
const STDERR_TEXT = `${PAYLOADS.join('\n')}\n\u001b[2J\u001b]8;;javascript:alert(1)\u0007@octocat <img src=x onerror=alert(1)> ##[error]FORGED ::error::FORGED \u202e\n`;
/** The imported log's tool name and version (the CLI run adds it with --sarif). */
const IMPORTED_TOOL = 'Imported <script>alert(1)</script> @octocat \u202e\u001b[2J';
const IMPORTED_VERSION = '9\n::error file=forged.py::FORGED\n##[error]FORGED \u001b[2J @octocat';

/** A word per finding that escaping leaves alone, so each check can also see the finding is shown. */
const tagOf = (i: number): string => `hostile${i}x`;

// ---------------------------------------------------------------------------------------------
// The workspace and its SARIF

interface Sarif {
  version: '2.1.0';
  runs: Array<{ tool: { driver: Record<string, unknown> }; results: unknown[] }>;
}

function hostileSarif(workspace: string, driver: Record<string, unknown>): Sarif {
  const rules = HOSTILE_FILES.map((_, i) => ({
    id: `${tagOf(i)} rule ${PAYLOADS[(i + 1) % PAYLOADS.length]}`,
    name: `${tagOf(i)} name ${PAYLOADS[(i + 2) % PAYLOADS.length]}`,
    shortDescription: { text: PAYLOADS[(i + 3) % PAYLOADS.length] },
    helpUri: HELP_URIS[i % HELP_URIS.length],
    // High or critical and mapped (CWE-79): every finding fails CC7.1, so every one is annotated.
    properties: { tags: ['security', 'external/cwe/cwe-79'], 'security-severity': i % 2 ? '9.3' : '8.1' },
  }));
  const results: object[] = HOSTILE_FILES.map((file, i) => ({
    ruleId: rules[i]?.id,
    ruleIndex: i,
    level: 'error',
    message: { text: `${tagOf(i)} ${PAYLOADS[i]}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathToFileURL(path.join(workspace, file)).href },
          region: { startLine: 2, endLine: 2, snippet: { text: PAYLOADS[(i + 4) % PAYLOADS.length] } },
        },
      },
    ],
  }));
  // A location that is no file at all: shown, never linked.
  results.push({
    ruleId: rules[0]?.id,
    ruleIndex: 0,
    level: 'error',
    // At the start of a line in a terminal: were it a runner's log, a workflow command.
    message: { text: `::warning file=forged.py::FORGED outside ${PAYLOADS[3]}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: 'javascript:alert(1)' }, region: {} } }],
  });
  return { version: '2.1.0', runs: [{ tool: { driver: { ...driver, rules } }, results }] };
}

/** YAML double-quoted scalars: JSON strings with everything outside printable ASCII escaped. */
function yamlString(text: string): string {
  return JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

interface HostileWorkspace extends ActionWorkspace {
  importedSarif: string;
}

function createHostileWorkspace(): HostileWorkspace {
  const ws = createActionWorkspace();
  const data = path.join(ws.root, 'hostile');
  mkdirSync(data, { recursive: true });
  HOSTILE_FILES.forEach((file, i) => {
    const full = path.join(ws.workspace, file);
    mkdirSync(path.dirname(full), { recursive: true });
    // The flagged line itself is hostile too: snippets come from the file.
    writeFileSync(full, `import os\nlabel = "${PAYLOADS[i]?.replace(/[\\"]/g, '')}"\nos.system(label)\n`);
  });
  const scannerSarif = path.join(data, 'scanner.sarif');
  writeFileSync(scannerSarif, JSON.stringify(hostileSarif(ws.workspace, { name: IMPORTED_TOOL })));
  const importedSarif = path.join(data, 'imported.sarif');
  writeFileSync(
    importedSarif,
    JSON.stringify(hostileSarif(ws.workspace, { name: IMPORTED_TOOL, version: IMPORTED_VERSION })),
  );
  writeFileSync(path.join(data, 'version.txt'), VERSION_TEXT);
  writeFileSync(path.join(data, 'stderr.txt'), STDERR_TEXT);
  const node = yamlString(process.execPath);
  const q = (p: string) => yamlString(p);
  writeFileSync(
    path.join(ws.workspace, '.controlgate.yml'),
    [
      'version: 1',
      'scanners:',
      '  custom:',
      '    - id: hostile',
      `      name: ${yamlString(SCANNER_NAME)}`,
      `      command: ${node}`,
      `      args: [${q(TOOL)}, "copy", ${q(scannerSarif)}, "{sarif}"]`,
      '      sarif: "{outDir}/out.sarif"',
      `      versionArgs: [${q(TOOL)}, "version", ${q(path.join(data, 'version.txt'))}]`,
      '      covers: [CC6.1, CC7.1, CC8.1]',
      '    - id: broken',
      `      name: ${yamlString(BROKEN_NAME)}`,
      `      command: ${node}`,
      `      args: [${q(TOOL)}, "fail", ${q(path.join(data, 'stderr.txt'))}]`,
      // Out of scope by default: its failure is reported but decides nothing.
      '      covers: [A1.2]',
      '',
    ].join('\n'),
  );
  return { ...ws, importedSarif };
}

// ---------------------------------------------------------------------------------------------
// What each reader would make of the text

/**
 * C0/C1 controls (bar tab and newline), bidi controls, invisible marks and tag characters, which a
 * reader cannot see; U+200D is the joiner our Markdown escaping puts after `@` and `<`.
 */
const UNSAFE_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u{e0000}-\u{e007f}]/u;

function visible(text: string): string {
  return JSON.stringify(text);
}

function expectNoUnsafeChars(text: string, where: string): void {
  const hit = UNSAFE_CHARS.exec(text);
  expect(
    hit
      ? `${where}: U+${(hit[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} in ${visible(text.slice(Math.max(0, hit.index - 40), hit.index + 40))}`
      : 'none',
  ).toBe('none');
}

/** GFM table cells: cmark-gfm splits a row on every `|` not escaped by a backslash. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/);
}

/** Text with its code spans (CommonMark: a backtick run closed by the next run of equal length) cut out. */
function outsideCode(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '\\') {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (text[i] !== '`') {
      out += text[i];
      i += 1;
      continue;
    }
    const run = /^`+/.exec(text.slice(i))?.[0] ?? '`';
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const end = close.exec(text);
    if (!end) {
      out += run;
      i += run.length;
      continue;
    }
    out += ' CODE ';
    i = end.index + run.length;
  }
  return out;
}

/** The raw HTML GitHub would see: our own tags only, and the hidden marker only where we put it. */
const OWN_TAGS = new Set(['<details>', '</details>', '<summary>', '</summary>', '<sub>', '</sub>']);

/**
 * Checks a PR comment, MR note or job summary the way GitHub/GitLab would read it: no hostile
 * HTML, mention, link, image, fence or marker, and every table keeps its columns. `linkPrefix` is
 * the only place a link may lead; every finding must still be listed.
 */
function expectInertMarkdown(body: string, options: { marker: boolean; linkPrefix: string }): void {
  expectNoUnsafeChars(body, 'markdown');
  const markerCount = body.match(/controlgate:comment/gi)?.length ?? 0;
  expect(markerCount, 'marker occurrences').toBe(options.marker ? 1 : 0);
  if (options.marker) expect(body.startsWith('<!-- controlgate:comment key=default -->\n')).toBe(true);
  const lines = body.split('\n');
  let table: number | undefined;
  for (const [n, line] of lines.entries()) {
    const where = `line ${n + 1}: ${visible(line)}`;
    expect(/^\s*(```|~~~)/.test(line), `code fence at ${where}`).toBe(false);
    if (line.startsWith('|')) {
      const count = cells(line).length;
      table ??= count;
      expect(count, `table columns at ${where}`).toBe(table);
    } else table = undefined;
    const text = line.startsWith('|') ? cells(line).map(outsideCode).join(' | ') : outsideCode(line);
    for (const tag of text.match(/<[!/?A-Za-z][^>]*>?/g) ?? []) {
      const ours = OWN_TAGS.has(tag) || (options.marker && n === 0 && tag === lines[0]);
      expect(ours, `HTML ${visible(tag)} at ${where}`).toBe(true);
    }
    expect(/@[A-Za-z0-9]/.test(text), `mention at ${where}`).toBe(false);
    expect(/(?<!\\)!\[/.test(text), `image at ${where}`).toBe(false);
    for (const link of text.matchAll(/(?<!\\)\]\(([^)]*)\)?/g)) {
      const target = link[1] ?? '';
      expect(
        // The repository's own files, or controlgate's documentation (how to ask for a waiver).
        (target.startsWith(options.linkPrefix) || target.startsWith(`${CONTROLGATE_URI}#`)) &&
          /^[A-Za-z0-9%/._~#:-]+$/.test(target),
        `link ${visible(target)} at ${where}`,
      ).toBe(true);
    }
  }
  for (const i of HOSTILE_FILES.keys()) expect(body, `finding ${i} is listed`).toContain(tagOf(i));
}

/** The runner's workflow-command escapes, undone in the runner's order. */
function unescapeProperty(value: string): string {
  return value
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%3A', ':')
    .replaceAll('%2C', ',')
    .replaceAll('%25', '%');
}

function unescapeData(value: string): string {
  return value.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
}

interface WorkflowCommand {
  name: string;
  properties: Record<string, string>;
  data: string;
}

/** A stdout line as actions/runner parses it (`::name k=v,…::data`, after leading space). */
function parseCommand(line: string): WorkflowCommand | undefined {
  const text = line.trimStart();
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0 && eq < pair.length - 1)
        properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { name, properties, data: unescapeData(text.slice(end + 2)) };
}

/**
 * The commands a log gives the runner: only ours, each annotation's properties naming a real file.
 * Returns the annotations (commands with a `file`).
 */
function expectOnlyOwnCommands(
  log: string,
  options: { token?: string; files?: ReadonlySet<string> } = {},
): WorkflowCommand[] {
  const annotations: WorkflowCommand[] = [];
  for (const line of log.split(/\r?\n|\r/)) {
    const command = parseCommand(line);
    if (!command) continue;
    const where = visible(line);
    expect(['add-mask', 'error', 'warning', 'notice', 'debug', 'group', 'endgroup'], where).toContain(
      command.name,
    );
    // The log's sections: our own fixed titles, never text from the scan.
    if (command.name === 'group' || command.name === 'endgroup') {
      expect(Object.keys(command.properties), where).toEqual([]);
      expect(
        command.name === 'group' ? /^controlgate: [a-z ]+$/.test(command.data) : command.data === '',
        where,
      ).toBe(true);
      continue;
    }
    if (command.name === 'add-mask') {
      expect(command.data, where).toBe(options.token);
      continue;
    }
    expectNoUnsafeChars(command.data, `data of ${where}`);
    if (command.properties.file === undefined) {
      expect(Object.keys(command.properties), where).toEqual([]);
      expect(command.data.startsWith('controlgate'), where).toBe(true);
      continue;
    }
    expect(options.files?.has(command.properties.file), `file property of ${where}`).toBe(true);
    for (const key of Object.keys(command.properties))
      expect(['title', 'file', 'line', 'endLine', 'col', 'endColumn'], where).toContain(key);
    expectNoUnsafeChars(command.properties.title ?? '', `title of ${where}`);
    annotations.push(command);
  }
  return annotations;
}

/** Lines the runner shows rather than obeys: no control character, no legacy `##[command]` anywhere. */
function expectInertLogLines(log: string): void {
  for (const line of log.split(/\r?\n|\r/)) {
    if (parseCommand(line)) continue;
    expectNoUnsafeChars(line, 'log line');
    expect(line.includes('##['), `legacy workflow command in ${visible(line)}`).toBe(false);
  }
}

/** What a terminal would obey: escape sequences and bidi controls; and workflow commands, were it a runner. */
function expectInertTerminal(output: string): void {
  for (const line of output.split('\n')) {
    expectNoUnsafeChars(line, 'terminal line');
    expect(line.trimStart().startsWith('::'), `workflow command ${visible(line)}`).toBe(false);
    expect(line.includes('##['), `legacy workflow command ${visible(line)}`).toBe(false);
  }
}

// ---------------------------------------------------------------------------------------------
// The two runs

let ws: HostileWorkspace;
let gh: FakeGitHub;
let gl: FakeGitLab;
let action: ActionRun;
let gitlab: NodeRun;
let browser: Browser | undefined;
const githubToken = fakeToken();
const gitlabToken = `glpat-${randomBytes(15).toString('base64url')}`;

/** Repo-relative paths of the hostile files: what annotations must point at, byte for byte. */
const EXPECTED_FILES: ReadonlySet<string> = new Set(HOSTILE_FILES);

function gitlabEnv(): NodeJS.ProcessEnv {
  return mergeRequestPipelineEnv({
    gitlab: gl,
    projectDir: ws.workspace,
    headSha: HEAD_SHA,
    token: gitlabToken,
    jobToken: `glcbt-64_${randomBytes(15).toString('base64url')}`,
  });
}

beforeAll(async () => {
  assertActionBuilt();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run -s build\` first`);
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run \`node scripts/install-browser.ts\` (as root) first`);
  ws = createHostileWorkspace();
  gh = await startFakeGitHub();
  gl = await startFakeGitLab();
  const [a, g] = await Promise.all([
    runAction(
      actionEnv(ws, gh, {
        token: githubToken,
        inputs: { scanners: 'hostile,broken', base: 'none' },
      }),
      { timeoutMs: 90_000 },
    ),
    spawnNode(
      CLI,
      [
        'scan',
        '.',
        '--scanners',
        'hostile,broken',
        '--sarif',
        ws.importedSarif,
        '--no-base',
        // Outside the workspace: the Action scans it at the same time.
        '--evidence',
        path.join(ws.root, 'cli-evidence'),
        '--reports-dir',
        path.join(ws.root, 'cli-reports'),
      ],
      { env: gitlabEnv(), cwd: ws.workspace, timeoutMs: 90_000 },
    ),
  ]);
  action = a;
  gitlab = g;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await gh?.stop();
  await gl?.stop();
  ws?.cleanup();
});

describe('hostile text in findings, paths and scanner output', () => {
  it('both runs finish and judge the hostile findings (the gate still blocks)', () => {
    expect(action.exitCode, tail(action)).toBe(1);
    expect(gitlab.exitCode, tail(gitlab)).toBe(1);
  });

  it('PR comment: no HTML, mention, foreign link, image, fence or forged marker; tables intact', () => {
    const comments = gh.comments(PR_NUMBER);
    expect(comments, tail(action)).toHaveLength(1);
    expectInertMarkdown(comments[0]?.body ?? '', {
      marker: true,
      linkPrefix: 'https://github.com/octo/shop/',
    });
  });

  it('job summary: the same rules, and no marker at all', () => {
    const summary = readFileSync(ws.summaryPath, 'utf8');
    expectInertMarkdown(summary, { marker: false, linkPrefix: 'https://github.com/octo/shop/' });
  });

  it('GitLab MR note: the same rules', () => {
    const notes = gl.notes(MR_IID);
    expect(notes, tail(gitlab)).toHaveLength(1);
    expectInertMarkdown(notes[0]?.body ?? '', {
      marker: true,
      linkPrefix: 'https://gitlab.example.com/octo/shop/',
    });
  });

  it('annotations: properties and data escaped, so each names its real file and nothing is forged', () => {
    const annotations = expectOnlyOwnCommands(action.stdout, { token: githubToken, files: EXPECTED_FILES });
    expect(new Set(annotations.map((a) => a.properties.file))).toEqual(EXPECTED_FILES);
    for (const [i, file] of HOSTILE_FILES.entries()) {
      const annotation = annotations.find((a) => a.properties.file === file);
      expect(annotation?.data, visible(file)).toContain(tagOf(i));
      expect(annotation?.properties.title, visible(file)).toContain(tagOf(i));
    }
    // The runner reads the other stream for commands too.
    expectOnlyOwnCommands(action.stderr, { token: githubToken });
    expect(readOutputs(ws.outputPath).decision).toBe('block');
  });

  it("the Action's log: scanner names, versions and errors shown inert", () => {
    expectInertLogLines(action.stdout);
    expectInertLogLines(action.stderr);
    expect(action.stdout).toContain('Broken');
    expect(action.stdout).toContain('FAILED');
  });

  it('terminal: no escape sequence, bidi control or workflow command in the CLI report', () => {
    expectInertTerminal(gitlab.stdout);
    for (const i of HOSTILE_FILES.keys()) expect(gitlab.stdout).toContain(tagOf(i));
    // The scanners' names, versions and errors are listed too.
    expect(gitlab.stdout).toContain('Broken');
    expect(gitlab.stdout).toContain('FAILED');
  });

  it('terminal: the same for the progress lines on stderr', () => {
    expectInertTerminal(gitlab.stderr);
    expect(gitlab.stderr).toContain('FAILED');
  });

  it('terminal: `controlgate explain` shows a hostile finding inert', async () => {
    const report = JSON.parse(
      readFileSync(path.join(ws.root, 'cli-evidence', 'controlgate.json'), 'utf8'),
    ) as { findings: Array<{ path: string; fingerprint: string; scanner: string }> };
    const target = report.findings.find((f) => f.scanner === 'hostile' && f.path.includes('\n'));
    expect(target, 'the finding in the file with a newline in its name').toBeDefined();
    const run = await spawnNode(CLI, ['explain', target?.fingerprint ?? '', '.', '--scanners', 'hostile'], {
      env: withoutCiVariables(),
      cwd: ws.workspace,
      timeoutMs: 60_000,
    });
    expect(run.exitCode, tail(run)).toBe(0);
    expectInertTerminal(run.stdout);
    expectInertTerminal(run.stderr);
    expect(run.stdout).toContain('FORGED');
  });

  it('HTML reports: no foreign element, handler, script or non-web link, in a real browser', async () => {
    const reports = [
      path.join(readOutputs(ws.outputPath)['evidence-path'] ?? '', 'report.html'),
      path.join(ws.root, 'cli-evidence', 'report.html'),
    ];
    for (const file of reports) {
      expect(existsSync(file), file).toBe(true);
      const html = readFileSync(file, 'utf8');
      expectNoUnsafeChars(html, file);
      const page = await (browser as Browser).newPage();
      const events: string[] = [];
      page.on('dialog', (d) => {
        events.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on('pageerror', (e) => events.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        if (r.url() !== pathToFileURL(file).href) events.push(`request: ${r.url()}`);
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const dom = {
        handlers: await page.$$eval('*', (els) =>
          els.flatMap((e) =>
            e
              .getAttributeNames()
              .filter((a: string) => /^on/i.test(a))
              .map((a: string) => `${e.tagName} ${a}`),
          ),
        ),
        foreign: await page.$$eval('img, svg, iframe, object, embed, base, link, form, video, audio', (els) =>
          els.map((e) => e.outerHTML.slice(0, 80)),
        ),
        scripts: await page.$$eval('script', (els) => els.map((e) => e.getAttribute('type') ?? 'classic')),
        hrefs: await page.$$eval('[href]', (els) => els.map((e) => e.getAttribute('href') ?? '')),
        text: await page.innerText('body'),
      };
      await page.close();
      expect(events, file).toEqual([]);
      expect(dom.handlers, file).toEqual([]);
      expect(dom.foreign, file).toEqual([]);
      expect(dom.scripts, file).toEqual(['application/json', 'classic']);
      for (const href of dom.hrefs) {
        const scheme = href.startsWith('#') ? 'fragment' : new URL(href).protocol;
        expect(['fragment', 'https:', 'http:'], `${file}: ${href}`).toContain(scheme);
      }
      for (const i of HOSTILE_FILES.keys()) expect(dom.text, file).toContain(tagOf(i));
      expect(dom.text, file).toContain('<script>alert(document.cookie)</script>');
    }
  });
});

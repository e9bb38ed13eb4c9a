/**
 * Diff-aware scan on a generated repository (issue 7): `controlgate scan --base main` on a 5-file
 * change against the full scan of the same checkout, with Semgrep's own diff-aware mode
 * (`--baseline-commit`) and a plain Semgrep scan as anchors. Median of N runs (default 3).
 *   npm run bench:diff [-- --runs N --files N]
 * Needs `npm run scanners:install` first. The repository is rebuilt at every start in
 * out/bench/diff-repo (git-ignored), so it can be inspected after a run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toolsDir } from '../src/paths.ts';
import { OFFLINE_ENV } from '../src/tools/offline-env.ts';
import { machineSummary, median } from './common.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The source entry point, not dist/: the diff-aware scan is measured as the code stands, no build needed.
const cli = path.join(root, 'src', 'cli.ts');
const repo = path.join(root, 'out', 'bench', 'diff-repo');
const rulesDir = path.join(root, 'scanners', 'semgrep', 'rules');
const semgrepBin = path.join(toolsDir(), 'venv', 'bin', 'semgrep');

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    files: { type: 'string', default: '5000' },
  },
});

function positiveInt(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number ≥ ${min}, got ${value}`);
  return n;
}

const runs = positiveInt(flags.runs, '--runs', 1);
// Below ~20 files there are not enough modules of each language to pick the change's targets from.
const fileCount = positiveInt(flags.files, '--files', 20);

// ---------------------------------------------------------------------------------------------
// Deterministic generator

/**
 * xorshift32 with a fixed seed: the same repository on every machine and every run, so figures
 * from different machines describe the same work. Math.random() cannot be seeded.
 */
function randomSource(seed: number) {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  return { next, int, pick };
}
type Random = ReturnType<typeof randomSource>;

const DOMAINS =
  'billing inventory accounts shipping catalog search reports notifications auth analytics scheduler storage'.split(
    ' ',
  );
const NOUNS =
  'order invoice customer item batch record event session ticket payment shipment report account address price coupon review vendor'.split(
    ' ',
  );
const FIELDS = 'region status owner currency priority channel country tier'.split(' ');
const PY_PACKAGES = 'api core jobs models utils'.split(' ');
const PY_ROLES = 'service store views tasks helpers schema client rules'.split(' ');
const JS_AREAS = 'components lib routes store'.split(' ');
const JS_ROLES = 'view api utils state format hooks client table'.split(' ');

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

type Lang = 'python' | 'javascript';
type PyFinding = 'shell' | 'eval' | 'md5' | 'pickle' | 'yaml' | 'password';
type JsFinding = 'eval' | 'exec' | 'password' | 'random';

interface Block {
  name: string;
  text: string;
}

interface Module {
  path: string;
  lang: Lang;
  /** Import lines beyond the ones every module of the language starts with. */
  imports: string[];
  blocks: Block[];
  /** The planted finding, if any. */
  finding?: PyFinding | JsFinding;
}

type BlockMaker = (r: Random, noun: string, field: string) => Block;

// Ordinary code: what most of a repository is, and what the scanners must read through.
const PY_BLOCKS: BlockMaker[] = [
  (r, noun, field) => {
    const name = `select_${noun}s_by_${field}`;
    return {
      name,
      text: `def ${name}(items: list[dict], limit: int = ${r.int(5, 200)}) -> list[dict]:
    """Keep the ${noun}s that carry a ${field}, at most limit of them."""
    kept: list[dict] = []
    for item in items:
        if item.get("${field}") is None:
            continue
        kept.append(item)
        if len(kept) >= limit:
            break
    LOG.debug("${name} kept %d of %d", len(kept), len(items))
    return kept`,
    };
  },
  (_r, noun, field) => {
    const name = `group_${noun}s_by_${field}`;
    return {
      name,
      text: `def ${name}(items: Iterable[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for item in items:
        key = str(item.get("${field}", "unknown"))
        groups.setdefault(key, []).append(item)
    return groups`,
    };
  },
  (_r, noun, field) => {
    const name = `summarize_${noun}s_${field}`;
    return {
      name,
      text: `def ${name}(items: list[dict]) -> dict[str, float]:
    if not items:
        return {"count": 0, "total": 0.0, "mean": 0.0}
    total = sum(float(item.get("${field}_amount", 0)) for item in items)
    return {"count": len(items), "total": total, "mean": total / len(items)}`,
    };
  },
  (r, noun, field) => {
    const name = `${capital(noun)}${capital(field)}Entry`;
    return {
      name,
      text: `@dataclass
class ${name}:
    ${field}: str
    amount: float = 0.0
    tags: list[str] = field(default_factory=list)

    def label(self) -> str:
        return f"{self.${field}}:{self.amount:.${r.int(0, 4)}f}"

    def tagged(self, tag: str) -> ${name}:
        return ${name}(self.${field}, self.amount, [*self.tags, tag])`,
    };
  },
  (r, noun) => {
    const name = `sync_${noun}_with_retry`;
    return {
      name,
      text: `def ${name}(operation: Callable[[], T], attempts: int = ${r.int(2, 6)}) -> T:
    last_error: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except (TimeoutError, ConnectionError) as error:
            last_error = error
            LOG.warning("attempt %d of %d failed: %s", attempt, attempts, error)
            time.sleep(min(2**attempt, ${r.int(10, 60)}) / 10)
    raise RuntimeError("${noun} sync failed after retries") from last_error`,
    };
  },
  (r, noun, field) => {
    const name = `parse_${noun}_payload`;
    return {
      name,
      text: `def ${name}(raw: str) -> dict:
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("${noun} payload must be an object")
    data.setdefault("${field}", "${r.pick(['default', 'unknown', 'none', 'eu', 'low'])}")
    return data`,
    };
  },
];

const JS_BLOCKS: BlockMaker[] = [
  (r, noun, field) => {
    const name = `select${capital(noun)}sBy${capital(field)}`;
    return {
      name,
      text: `function ${name}(items, limit = ${r.int(5, 200)}) {
  const kept = [];
  for (const item of items) {
    if (item.${field} === undefined) continue;
    kept.push(item);
    if (kept.length >= limit) break;
  }
  return kept;
}`,
    };
  },
  (_r, noun, field) => {
    const name = `group${capital(noun)}sBy${capital(field)}`;
    return {
      name,
      text: `function ${name}(items) {
  const groups = new Map();
  for (const item of items) {
    const key = String(item.${field} ?? 'unknown');
    const bucket = groups.get(key) ?? [];
    bucket.push(item);
    groups.set(key, bucket);
  }
  return groups;
}`,
    };
  },
  (_r, noun, field) => {
    const name = `summarize${capital(noun)}s${capital(field)}`;
    return {
      name,
      text: `function ${name}(items) {
  if (items.length === 0) return { count: 0, total: 0, mean: 0 };
  const total = items.reduce((sum, item) => sum + Number(item.${field}Amount ?? 0), 0);
  return { count: items.length, total, mean: total / items.length };
}`,
    };
  },
  (_r, noun) => {
    const name = `load${capital(noun)}File`;
    return {
      name,
      text: `async function ${name}(dir, name) {
  const file = path.join(dir, \`\${name}.json\`);
  const text = await readFile(file, 'utf8');
  const data = JSON.parse(text);
  if (typeof data !== 'object' || data === null) {
    throw new TypeError(\`\${file}: expected a ${noun} object\`);
  }
  return data;
}`,
    };
  },
  (r, noun) => {
    const name = `${capital(noun)}Cache`;
    return {
      name,
      text: `class ${name} {
  constructor(limit = ${r.int(16, 1024)}) {
    this.limit = limit;
    this.entries = new Map();
  }

  get(key) {
    return this.entries.get(key);
  }

  set(key, value) {
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next().value;
      this.entries.delete(oldest);
    }
    this.entries.set(key, value);
  }
}`,
    };
  },
  (r, noun) => {
    const name = `sync${capital(noun)}WithRetry`;
    return {
      name,
      text: `async function ${name}(operation, attempts = ${r.int(2, 6)}) {
  let lastError;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, attempt * ${r.int(50, 500)}));
    }
  }
  throw lastError;
}`,
    };
  },
];

// Code the rules and Bandit flag. The "passwords" are benchmark values, not credentials.
const PY_FINDINGS: Record<PyFinding, { imports: string[]; make: (r: Random, noun: string) => Block }> = {
  shell: {
    imports: ['import subprocess'],
    make: (_r, noun) => ({
      name: `export_${noun}s`,
      text: `def export_${noun}s(target: str) -> str:
    command = f"${noun}-export --target {target}"
    return subprocess.check_output(command, shell=True, text=True)`,
    }),
  },
  eval: {
    imports: [],
    make: (_r, noun) => ({
      name: `evaluate_${noun}_rule`,
      text: `def evaluate_${noun}_rule(expression: str, context: dict) -> bool:
    return bool(eval(expression, {"__builtins__": {}}, context))`,
    }),
  },
  md5: {
    imports: ['import hashlib'],
    make: (_r, noun) => ({
      name: `${noun}_checksum`,
      text: `def ${noun}_checksum(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()`,
    }),
  },
  pickle: {
    imports: ['import pickle'],
    make: (_r, noun) => ({
      name: `restore_${noun}_cache`,
      text: `def restore_${noun}_cache(blob: bytes) -> dict:
    return pickle.loads(blob)`,
    }),
  },
  yaml: {
    imports: ['import yaml'],
    make: (_r, noun) => ({
      name: `read_${noun}_settings`,
      text: `def read_${noun}_settings(text: str) -> dict:
    return yaml.load(text, Loader=yaml.Loader)`,
    }),
  },
  password: {
    imports: [],
    make: (r, noun) => ({
      name: `${noun.toUpperCase()}_DB_PASSWORD`,
      text: `# Benchmark value, not a real credential.
${noun.toUpperCase()}_DB_PASSWORD = "bench-only-${r.int(1000, 9999)}"`,
    }),
  },
};

const JS_FINDINGS: Record<JsFinding, { imports: string[]; make: (r: Random, noun: string) => Block }> = {
  eval: {
    imports: [],
    make: (_r, noun) => ({
      name: `evaluate${capital(noun)}Rule`,
      text: `function evaluate${capital(noun)}Rule(expression) {
  return Boolean(eval(expression));
}`,
    }),
  },
  exec: {
    imports: ["const { exec } = require('node:child_process');"],
    make: (_r, noun) => ({
      name: `archive${capital(noun)}s`,
      text: `function archive${capital(noun)}s(dir, done) {
  exec(\`tar -czf \${dir}.tgz \${dir}\`, done);
}`,
    }),
  },
  password: {
    imports: [],
    make: (r, noun) => ({
      name: `${noun}ApiKey`,
      text: `// Benchmark value, not a real credential.
const ${noun}ApiKey = 'bench-only-${r.int(1000, 9999)}';`,
    }),
  },
  random: {
    imports: [],
    make: (_r, noun) => ({
      name: `new${capital(noun)}ResetLink`,
      text: `function new${capital(noun)}ResetLink(baseUrl) {
  const resetToken = Math.random().toString(36).slice(2);
  return \`\${baseUrl}/reset/\${resetToken}\`;
}`,
    }),
  },
};

/** Ordinary blocks plus, optionally, one flagged block at a random position. */
function makeBlocks(r: Random, makers: BlockMaker[], count: number): Block[] {
  const blocks: Block[] = [];
  const names = new Set<string>();
  // Retry on a name clash: two blocks with one name would be one function shadowing another.
  for (let tries = 0; blocks.length < count && tries < count * 10; tries++) {
    const block = r.pick(makers)(r, r.pick(NOUNS), r.pick(FIELDS));
    if (names.has(block.name)) continue;
    names.add(block.name);
    blocks.push(block);
  }
  return blocks;
}

function insertAt<T>(r: Random, items: T[], item: T): void {
  items.splice(r.int(0, items.length), 0, item);
}

function pythonModule(r: Random, file: string, finding: PyFinding | undefined): Module {
  // 3–10 blocks of 3–11 lines plus the header: about 30–140 lines, a median near 80, like real modules.
  const blocks = makeBlocks(r, PY_BLOCKS, r.int(3, 10));
  const imports: string[] = [];
  if (finding) {
    const f = PY_FINDINGS[finding];
    imports.push(...f.imports);
    insertAt(r, blocks, f.make(r, r.pick(NOUNS)));
  }
  return { path: file, lang: 'python', imports, blocks, finding };
}

function jsModule(r: Random, file: string, finding: JsFinding | undefined): Module {
  const blocks = makeBlocks(r, JS_BLOCKS, r.int(3, 9));
  const imports: string[] = [];
  if (finding) {
    const f = JS_FINDINGS[finding];
    imports.push(...f.imports);
    insertAt(r, blocks, f.make(r, r.pick(NOUNS)));
  }
  return { path: file, lang: 'javascript', imports, blocks, finding };
}

function render(m: Module): string {
  if (m.lang === 'python') {
    const title = path.basename(m.path, '.py').replaceAll('_', ' ');
    const header = [
      `"""${capital(title)}: helpers for the ${m.path.split('/')[1] ?? 'core'} service."""`,
      '',
      'from __future__ import annotations',
      '',
      'import json',
      'import logging',
      'import time',
      ...m.imports,
      'from dataclasses import dataclass, field',
      'from typing import Callable, Iterable, TypeVar',
      '',
      'LOG = logging.getLogger(__name__)',
      'T = TypeVar("T")',
    ].join('\n');
    return `${[header, ...m.blocks.map((b) => b.text)].join('\n\n\n')}\n`;
  }
  const header = [
    "'use strict';",
    '',
    "const { readFile } = require('node:fs/promises');",
    "const path = require('node:path');",
    ...m.imports,
  ].join('\n');
  // Constants are not exported; everything else is, as a module of helpers would.
  const exported = m.blocks.filter((b) => !b.text.startsWith('//')).map((b) => b.name);
  const footer = `module.exports = { ${exported.join(', ')} };`;
  return `${[header, ...m.blocks.map((b) => b.text), footer].join('\n\n')}\n`;
}

function terraformFile(r: Random, index: number): string {
  const name = `${r.pick(DOMAINS)}_${index}`;
  const kinds = [
    `resource "aws_s3_bucket" "${name}" {
  bucket = "bench-${name.replaceAll('_', '-')}"
}

resource "aws_s3_bucket_acl" "${name}" {
  bucket = aws_s3_bucket.${name}.id
  acl    = "public-read"
}
`,
    `resource "aws_security_group" "${name}" {
  name        = "${name}-ssh"
  description = "Administrative access for ${name}"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`,
    `resource "aws_db_instance" "${name}" {
  identifier          = "${name.replaceAll('_', '-')}"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = ${r.int(20, 200)}
  publicly_accessible = true
  storage_encrypted   = false
  skip_final_snapshot = true
}
`,
  ];
  return `provider "aws" {
  region = "${r.pick(['eu-west-1', 'us-east-1', 'ap-southeast-2'])}"
}

${kinds[index % kinds.length]}`;
}

/** Picks a path not used yet: numbered like a real repository's second `utils` would be. */
function uniquePath(taken: Set<string>, dir: string, base: string, ext: string): string {
  let candidate = `${dir}/${base}${ext}`;
  for (let k = 2; taken.has(candidate); k++) candidate = `${dir}/${base}_${k}${ext}`;
  taken.add(candidate);
  return candidate;
}

interface Targets {
  /** Gains a new finding on the branch. */
  pyAdd: Module;
  /** Has a finding; the branch moves its code around. */
  pyMove: Module;
  /** Has a finding; the branch renames the file. */
  pyRename: Module;
  /** Has an eval finding; the branch fixes it. */
  jsFix: Module;
}

const TERRAFORM_FILES = 8;
const PY_TARGETS = [
  ['pyAdd', undefined],
  ['pyMove', 'pickle'],
  ['pyRename', 'yaml'],
] as const;

function generate(count: number): { modules: Module[]; terraform: Map<string, string>; targets: Targets } {
  const r = randomSource(0x5eed_2024);
  const taken = new Set<string>();
  const modules: Module[] = [];
  let pyOrdinal = 0;
  let jsOrdinal = 0;
  const targetSlots: Partial<Targets> = {};
  for (let i = 0; i < count - TERRAFORM_FILES; i++) {
    const domain = DOMAINS[i % DOMAINS.length] ?? 'core';
    const noun = r.pick(NOUNS);
    const flagged = r.next() < 0.04;
    if (r.next() < 0.55) {
      const file = uniquePath(
        taken,
        `services/${domain}/${r.pick(PY_PACKAGES)}`,
        `${noun}_${r.pick(PY_ROLES)}`,
        '.py',
      );
      // The change's targets are fixed ordinals, with the finding state the scenario needs.
      const target = PY_TARGETS[pyOrdinal - 3];
      pyOrdinal++;
      const role = target?.[0];
      const finding = target
        ? target[1]
        : flagged
          ? r.pick(Object.keys(PY_FINDINGS) as PyFinding[])
          : undefined;
      const m = pythonModule(r, file, finding);
      if (role) targetSlots[role] = m;
      modules.push(m);
    } else {
      const file = uniquePath(
        taken,
        `web/${domain}/${r.pick(JS_AREAS)}`,
        `${noun}-${r.pick(JS_ROLES)}`,
        '.js',
      );
      const isFixTarget = jsOrdinal === 3;
      jsOrdinal++;
      const finding = isFixTarget
        ? 'eval'
        : flagged
          ? r.pick(Object.keys(JS_FINDINGS) as JsFinding[])
          : undefined;
      const m = jsModule(r, file, finding);
      if (isFixTarget) targetSlots.jsFix = m;
      modules.push(m);
    }
  }
  const terraform = new Map<string, string>();
  for (let i = 0; i < TERRAFORM_FILES; i++) {
    terraform.set(`infra/terraform/${DOMAINS[i % DOMAINS.length]}.tf`, terraformFile(r, i));
  }
  const { pyAdd, pyMove, pyRename, jsFix } = targetSlots;
  if (!pyAdd || !pyMove || !pyRename || !jsFix) throw new Error(`--files ${count} is too few for the change`);
  return { modules, terraform, targets: { pyAdd, pyMove, pyRename, jsFix } };
}

function write(file: string, text: string): void {
  const full = path.join(repo, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
}

// Identity and signing come from -c flags: the user's git config must neither be needed nor changed.
function git(...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=controlgate bench',
      '-c',
      'user.email=bench@controlgate.invalid',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

interface BuiltRepo {
  files: number;
  lines: number;
  flaggedFiles: number;
  mergeBase: string;
  change: string[];
}

function buildRepo(count: number): BuiltRepo {
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  const { modules, terraform, targets } = generate(count);
  let lines = 0;
  for (const m of modules) {
    const text = render(m);
    lines += text.split('\n').length - 1;
    write(m.path, text);
  }
  for (const [file, text] of terraform) write(file, text);
  write(
    'README.md',
    '# Generated repository\n\nBuilt by controlgate `bench/diff-scan.ts`; its findings are planted on purpose.\n',
  );
  git('init', '--quiet');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'Generated application');
  const mergeBase = git('rev-parse', 'HEAD').trim();

  git('checkout', '--quiet', '-b', 'feature');
  const r = randomSource(0xfea7_0001);
  // 1. A new finding in an existing Python file.
  const add = PY_FINDINGS.shell;
  targets.pyAdd.imports.push(...add.imports);
  targets.pyAdd.blocks.push(add.make(r, 'ledger'));
  write(targets.pyAdd.path, render(targets.pyAdd));
  // 2. Code moved within a Python file: its finding changes lines, not identity.
  const blocks = targets.pyMove.blocks;
  const flaggedAt = blocks.findIndex((b) => b.name.startsWith('restore_'));
  const [flagged] = blocks.splice(flaggedAt, 1);
  if (!flagged) throw new Error('the code-move target has no finding');
  if (flaggedAt === blocks.length) blocks.unshift(flagged);
  else blocks.push(flagged);
  write(targets.pyMove.path, render(targets.pyMove));
  // 3. A new JavaScript file with a finding.
  const newJs: Module = {
    path: 'web/catalog/lib/rule-engine.js',
    lang: 'javascript',
    imports: [],
    blocks: [...makeBlocks(r, JS_BLOCKS, 3), JS_FINDINGS.eval.make(r, 'discount')],
  };
  write(newJs.path, render(newJs));
  // 4. A renamed Python file, content unchanged.
  const renamed = targets.pyRename.path.replace(/\/([^/]+)\.py$/, '/legacy_$1.py');
  rmSync(path.join(repo, targets.pyRename.path));
  write(renamed, render(targets.pyRename));
  // 5. A JavaScript file whose eval is replaced by JSON.parse: a fixed finding.
  const jsText = render(targets.jsFix);
  const fixedText = jsText.replace('Boolean(eval(expression))', 'Boolean(JSON.parse(expression))');
  if (fixedText === jsText) throw new Error('the fix target has no eval');
  write(targets.jsFix.path, fixedText);
  git('add', '-A');
  git('commit', '--quiet', '-m', 'Feature: rule engine, ledger export, legacy settings');

  const flaggedFiles = modules.filter((m) => m.finding).length;
  const change = git('diff', '--name-status', '-M', `${mergeBase}..HEAD`)
    .trim()
    .split('\n')
    .map((l) => l.replaceAll('\t', ' '));
  return { files: modules.length + terraform.size + 1, lines, flaggedFiles, mergeBase, change };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/**
 * User + system CPU seconds of this process's waited-for children (cutime + cstime in
 * /proc/self/stat). process.resourceUsage() and process.cpuUsage() cover this process only, and the
 * scanners run as grandchildren, which the kernel adds to a child's counters when it waits for them.
 */
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of the file; this list starts at field 3.
  return (Number(fields[13]) + Number(fields[14])) / clockTicks;
}

// Without CI variables: the bench measures a local scan, and in GitHub Actions or GitLab CI the
// command would also publish comments and evidence.
const childEnv: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE_ENV, NO_COLOR: '1' };
for (const key of ['CI', 'GITHUB_ACTIONS', 'GITLAB_CI', 'GITHUB_EVENT_PATH', 'CI_MERGE_REQUEST_IID']) {
  delete childEnv[key];
}

interface Case {
  name: string;
  file: string;
  args: string[];
  /** Checks each run's output, so a fast run that measured the wrong thing fails loudly. */
  check?: (stdout: string) => void;
  /**
   * One untimed run first, to load the tools and warm the caches (as bench/example-app.ts does).
   * Not for the full scans: a cold start costs well under a second of a minute-long run, and
   * warming them up would add about two minutes to the benchmark.
   */
  warmUp: boolean;
  /** A line about what the run did (per-scanner times, counts), from its last run's output. */
  describe?: (stdout: string) => string;
  /** Semgrep's SARIF output, read after the runs to report how many results it gave. */
  sarif?: string;
}

interface Sample {
  wall: number;
  cpu: number;
  stdout: string;
}

function runOnce(c: Case): Sample {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(c.file, c.args, {
    cwd: repo,
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wall = (performance.now() - started) / 1000;
  const cpu = childrenCpuSeconds() - cpuBefore;
  // 0 = pass, 1 = blocked (controlgate) or findings (semgrep); anything else is a failed run.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${c.name} exited ${result.status ?? result.signal}: ${result.stderr.slice(-2000)}`);
  }
  c.check?.(result.stdout);
  return { wall, cpu, stdout: result.stdout };
}

interface BaselineFacts {
  status: string;
  counts: { new: number; unchanged: number; fixed: number };
  changedFiles: unknown[];
  scanners: { id: string; compared: boolean; reason: string | null; baseFilesScanned: number | null }[];
}

function baselineOf(stdout: string): BaselineFacts {
  const report = JSON.parse(stdout) as { baseline: BaselineFacts | null };
  if (!report.baseline) throw new Error('PR scan: the JSON report has no baseline');
  return report.baseline;
}

interface ScannerFacts {
  id: string;
  status: string;
  filesScanned: number | null;
  durationMs: number | null;
}

/** Each scanner's own time: shows which one the wall time waits for, and what the rest share. */
function scannerTimes(stdout: string): string {
  const report = JSON.parse(stdout) as { scanners: ScannerFacts[] };
  return report.scanners
    .map((s) =>
      s.status === 'ok'
        ? `${s.id} ${((s.durationMs ?? 0) / 1000).toFixed(1)} s on ${s.filesScanned ?? '?'} files`
        : `${s.id} ${s.status}`,
    )
    .join(', ');
}

/** The PR scan's comparison: what was new, unchanged and fixed, and how much of the base was scanned. */
function comparison(stdout: string): string {
  const b = baselineOf(stdout);
  const base = b.scanners
    .map((s) => `${s.id} ${s.baseFilesScanned ?? 0}${s.reason ? ` (${s.reason})` : ''}`)
    .join(', ');
  return `${b.counts.new} new, ${b.counts.unchanged} unchanged, ${b.counts.fixed} fixed; base files scanned: ${base}; head: ${scannerTimes(stdout)}`;
}

// ---------------------------------------------------------------------------------------------
// Main

// Load averages frame the figures: other work on a 2-core machine stretches every wall time.
const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`machine: ${machineSummary()}; ${runs} runs each; load average ${loadAverage()}`);
const genStart = performance.now();
const built = buildRepo(fileCount);
console.log(
  `repository: ${built.files} files, ${built.lines.toLocaleString('en')} lines of Python/JavaScript, ${built.flaggedFiles} files with a planted finding; generated and committed in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
);
console.log(`change (main...feature): ${built.change.join('; ')}\n`);

const sarifDir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-diff-'));
const cases: Case[] = [
  {
    name: 'controlgate PR scan (`--base main`)',
    file: process.execPath,
    warmUp: true,
    args: [cli, 'scan', repo, '--base', 'main', '--no-evidence', '--no-progress', '--format', 'json'],
    check: (stdout) => {
      const b = baselineOf(stdout);
      if (b.status !== 'compared') throw new Error(`PR scan: baseline status ${b.status}, not compared`);
      if (b.counts.new < 1) throw new Error('PR scan: no new finding, so the change was not judged');
      if (b.changedFiles.length !== 5)
        throw new Error(`PR scan: ${b.changedFiles.length} changed files, not 5`);
    },
    describe: comparison,
  },
  {
    name: 'controlgate full scan (`--no-base`)',
    file: process.execPath,
    warmUp: false,
    describe: scannerTimes,
    args: [cli, 'scan', repo, '--no-base', '--no-evidence', '--no-progress', '--format', 'json'],
  },
  {
    name: 'semgrep `--baseline-commit` (anchor)',
    file: semgrepBin,
    warmUp: true,
    args: [
      'scan',
      '--baseline-commit',
      built.mergeBase,
      '--config',
      rulesDir,
      '--metrics=off',
      '--disable-version-check',
      '--quiet',
      '--sarif',
      '-o',
      path.join(sarifDir, 'baseline.sarif'),
      repo,
    ],
    sarif: path.join(sarifDir, 'baseline.sarif'),
  },
  {
    name: 'semgrep full scan (context)',
    file: semgrepBin,
    warmUp: false,
    args: [
      'scan',
      '--config',
      rulesDir,
      '--metrics=off',
      '--disable-version-check',
      '--quiet',
      '--sarif',
      '-o',
      path.join(sarifDir, 'full.sarif'),
      repo,
    ],
    sarif: path.join(sarifDir, 'full.sarif'),
  },
];

interface Row {
  c: Case;
  samples: Sample[];
}

const rows: Row[] = [];
const notes: string[] = [];
try {
  for (const c of cases) {
    if (c.warmUp) runOnce(c);
    rows.push({ c, samples: Array.from({ length: runs }, () => runOnce(c)) });
    process.stderr.write(`measured: ${c.name}\n`);
    if (c.sarif) {
      const log = JSON.parse(readFileSync(c.sarif, 'utf8')) as { runs: { results?: unknown[] }[] };
      const count = log.runs.reduce((n, run) => n + (run.results?.length ?? 0), 0);
      notes.push(`${c.name}: ${count} results`);
    }
  }
} finally {
  rmSync(sarifDir, { recursive: true, force: true });
}

const fullWall = median(rows[1]?.samples.map((s) => s.wall) ?? []);
console.log('| run | median wall (s) | min / max (s) | median CPU user+sys (s) | vs full scan |');
console.log('|---|---:|---:|---:|---:|');
for (const { c, samples } of rows) {
  const walls = samples.map((s) => s.wall);
  const wall = median(walls);
  console.log(
    `| ${c.name} | ${wall.toFixed(1)} | ${Math.min(...walls).toFixed(1)} / ${Math.max(...walls).toFixed(1)} | ${median(samples.map((s) => s.cpu)).toFixed(1)} | ${((100 * wall) / fullWall).toFixed(1)} % |`,
  );
}
console.log('');
for (const { c, samples } of rows) {
  const last = samples.at(-1);
  if (c.describe && last) console.log(`${c.name}, last run: ${c.describe(last.stdout)}`);
}
for (const line of notes) console.log(line);
console.log(`load average at the end: ${loadAverage()}`);

/**
 * A generated application repository for the benchmarks: Python and JavaScript modules of ordinary
 * code with planted findings, and Terraform files with misconfigurations. Built from a fixed seed, so
 * every run and every machine scans the same files. Used by bench/diff-scan.ts (a 5,000-file
 * repository and a 5-file change) and bench/orchestration.ts (a medium repository with more IaC).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * xorshift32 with a fixed seed: the same repository on every machine and every run, so figures
 * from different machines describe the same work. Math.random() cannot be seeded.
 */
export function randomSource(seed: number) {
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
export type Random = ReturnType<typeof randomSource>;

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
export type PyFinding = 'shell' | 'eval' | 'md5' | 'pickle' | 'yaml' | 'password';
export type JsFinding = 'eval' | 'exec' | 'password' | 'random';

export interface Block {
  name: string;
  text: string;
}

export interface Module {
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

export const JS_BLOCKS: BlockMaker[] = [
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
export const PY_FINDINGS: Record<PyFinding, { imports: string[]; make: (r: Random, noun: string) => Block }> =
  {
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

export const JS_FINDINGS: Record<JsFinding, { imports: string[]; make: (r: Random, noun: string) => Block }> =
  {
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
export function makeBlocks(r: Random, makers: BlockMaker[], count: number): Block[] {
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

export function render(m: Module): string {
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

/** The modules bench/diff-scan.ts's change edits: chosen by ordinal, with the finding state it needs. */
export interface Targets {
  /** Gains a new finding on the branch. */
  pyAdd: Module;
  /** Has a finding; the branch moves its code around. */
  pyMove: Module;
  /** Has a finding; the branch renames the file. */
  pyRename: Module;
  /** Has an eval finding; the branch fixes it. */
  jsFix: Module;
}

const PY_TARGETS = [
  ['pyAdd', undefined],
  ['pyMove', 'pickle'],
  ['pyRename', 'yaml'],
] as const;

export interface Generated {
  modules: Module[];
  /** Terraform text by path. */
  terraform: Map<string, string>;
  targets: Targets;
}

/**
 * `count` files in all, `terraformFiles` of them Terraform; the rest are Python (about 55 %) and
 * JavaScript modules. The modules do not depend on `terraformFiles` beyond how many there are, and
 * the first 12 Terraform paths are the same whatever the number, so a repository with more IaC is the
 * same application with more infrastructure.
 */
export function generate(count: number, terraformFiles = 8): Generated {
  const r = randomSource(0x5eed_2024);
  const taken = new Set<string>();
  const modules: Module[] = [];
  let pyOrdinal = 0;
  let jsOrdinal = 0;
  const targetSlots: Partial<Targets> = {};
  for (let i = 0; i < count - terraformFiles; i++) {
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
  for (let i = 0; i < terraformFiles; i++) {
    // One file per domain first; past 12 files a domain gets a second, numbered one.
    const file = uniquePath(taken, 'infra/terraform', DOMAINS[i % DOMAINS.length] ?? 'core', '.tf');
    terraform.set(file, terraformFile(r, i));
  }
  const { pyAdd, pyMove, pyRename, jsFix } = targetSlots;
  if (!pyAdd || !pyMove || !pyRename || !jsFix) throw new Error(`--files ${count} is too few for the change`);
  return { modules, terraform, targets: { pyAdd, pyMove, pyRename, jsFix } };
}

/** Writes the generated files (and a README saying what they are) into a fresh `dir`. */
export function writeRepository(
  dir: string,
  generated: Generated,
  readme: string,
): { files: number; lines: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let lines = 0;
  for (const m of generated.modules) {
    const text = render(m);
    lines += text.split('\n').length - 1;
    writeFile(dir, m.path, text);
  }
  for (const [file, text] of generated.terraform) writeFile(dir, file, text);
  writeFile(dir, 'README.md', readme);
  return { files: generated.modules.length + generated.terraform.size + 1, lines };
}

export function writeFile(dir: string, file: string, text: string): void {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
}

// Identity and signing come from -c flags: the user's git config must neither be needed nor changed.
export function git(dir: string, ...args: string[]): string {
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
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

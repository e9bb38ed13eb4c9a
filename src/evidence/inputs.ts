import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_SCANNERS } from '../../scanners/index.ts';
import type { ToolDatabase } from '../../scanners/types.ts';
import { scannerOptions } from '../config/scanner-options.ts';
import { toPosix } from '../paths.ts';
import type { PolicyTexts } from '../pipeline/policy.ts';
import type { ScanOutcome } from '../pipeline/scan.ts';
import { type InstallRecord, RECORD_FILE, sha256File } from '../tools/install-record.ts';
import type { FileContent } from './write-files.ts';

/*
 * inputs/ holds the content of everything the decision rested on, not only its hash: an auditor
 * (or `evidence reevaluate`) can read the policy that judged the change, the mapping rows that put a
 * finding under a criterion and the rules that found it, without the repository or this tool's
 * source at that version.
 */

const encoder = new TextEncoder();

/** One scanner's tools as installed: enough to tell two runs used the same bytes. */
export interface ScannerInputs {
  id: string;
  version: string | null;
  /** The executable run (its file name) and its SHA-256. */
  executable: { name: string; sha256: string } | null;
  /**
   * The install record the runner verified before the run (every file of the venv or of KICS with
   * its hash), by its own SHA-256 and file count; null for a scanner from PATH, which is not recorded.
   */
  installRecord: { sha256: string; files: number } | null;
  /** KICS: the query set, as the digest of its files' recorded hashes and the number of queries. */
  queries?: { sha256: string; count: number };
  /**
   * OSV-Scanner: the advisory database it matched against (an offline folder with its files' hashes
   * and the date of its newest record, or the online service); null when it could not be described.
   */
  database?: ToolDatabase | null;
}

/** A path that stays inside inputs/: a repository-relative path as it is, anything else by its name. */
export function inside(file: string): string {
  const posix = toPosix(file);
  const parts = posix.split('/');
  if (path.isAbsolute(file) || parts.some((p) => p === '..' || p === '.' || p === ''))
    return path.basename(file);
  return posix;
}

function policyFiles(prefix: string, texts: PolicyTexts | undefined): [string, () => FileContent][] {
  if (!texts) return [];
  return [texts.config, texts.waivers].flatMap((t) =>
    t ? [[`${prefix}/${inside(t.file)}`, () => encoder.encode(t.text)] as [string, () => FileContent]] : [],
  );
}

function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The install folder holding `file` (the nearest one with a record, at most three levels up). */
function recordFor(file: string): { dir: string; bytes: Buffer } | undefined {
  let dir = path.dirname(file);
  for (let i = 0; i < 3; i++) {
    const record = path.join(dir, RECORD_FILE);
    if (existsSync(record)) return { dir, bytes: readFileSync(record) };
    dir = path.dirname(dir);
  }
  return undefined;
}

function queryDigest(record: InstallRecord): { sha256: string; count: number } | undefined {
  const queries = Object.entries(record.files)
    .filter(([p]) => p.startsWith('assets/queries/'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (queries.length === 0) return undefined;
  return {
    sha256: sha256(queries.map(([p, h]) => `${h}  ${p}\n`).join('')),
    count: queries.filter(([p]) => p.endsWith('/metadata.json')).length,
  };
}

/**
 * What each scanner of the run ran with: executable, install record, KICS's query set. The
 * executable is hashed in slices (KICS's is ~100 MB, and a custom scanner may be any binary), so the
 * bundle is written with bounded memory.
 */
export async function scannerInputs(outcome: ScanOutcome): Promise<ScannerInputs[]> {
  const out: ScannerInputs[] = [];
  for (const s of outcome.scanners) {
    const input = await scannerInput(s);
    const database = await databaseOf(outcome, s);
    out.push(database === undefined ? input : { ...input, database });
  }
  return out;
}

/** The database a scanner that has one matched against, for a run that started; null when unreadable. */
async function databaseOf(
  outcome: ScanOutcome,
  s: ScanOutcome['scanners'][number],
): Promise<ToolDatabase | null | undefined> {
  const scanner = BUILTIN_SCANNERS.get(s.id);
  if (!scanner?.databaseOf || s.status === 'skipped') return undefined;
  try {
    return (
      (await scanner.databaseOf(scannerOptions(outcome.config, s.id, outcome.root), outcome.root)) ?? null
    );
  } catch {
    return null;
  }
}

async function scannerInput(s: ScanOutcome['scanners'][number]): Promise<ScannerInputs> {
  const file = s.command?.file;
  const readable = file !== undefined && path.isAbsolute(file) && existsSync(file);
  const record = readable ? recordFor(file) : undefined;
  let parsed: InstallRecord | undefined;
  try {
    parsed = record ? (JSON.parse(record.bytes.toString('utf8')) as InstallRecord) : undefined;
  } catch {
    parsed = undefined;
  }
  const queries = parsed ? queryDigest(parsed) : undefined;
  let executable: ScannerInputs['executable'] = null;
  if (readable) {
    try {
      executable = { name: path.basename(file), sha256: await sha256File(file) };
    } catch {
      // A link (sha256File does not follow one) or an unreadable file: not named rather than followed.
      executable = null;
    }
  }
  return {
    id: s.id,
    version: s.version ?? null,
    executable,
    installRecord:
      record && parsed
        ? { sha256: sha256(record.bytes), files: Object.keys(parsed.files ?? {}).length }
        : null,
    ...(queries ? { queries } : {}),
  };
}

async function* jsonLater(value: Promise<unknown>): AsyncIterable<string> {
  yield `${JSON.stringify(await value, null, 2)}\n`;
}

/** The local rule files of the scanners that ran, under inputs/rules/<scanner>/. */
function ruleFiles(outcome: ScanOutcome): [string, () => FileContent][] {
  const ran = outcome.scanners.filter((s) => s.status !== 'skipped').map((s) => s.id);
  return [...new Set(ran)].flatMap((id) => {
    const scanner = BUILTIN_SCANNERS.get(id);
    if (!scanner?.ruleFiles) return [];
    return scanner
      .ruleFiles(scannerOptions(outcome.config, id, outcome.root), outcome.root, outcome.rulesCopy)
      .map(
        (file) =>
          [
            `inputs/rules/${id}/${inside(path.relative(file.base, file.path))}`,
            () => readFileSync(file.path),
          ] as [string, () => FileContent],
      );
  });
}

/**
 * The files of inputs/: the policy that judged the run and the change's proposal, the effective
 * configuration after defaults, the shipped catalog and mapping, the rule files and the scanners' tools.
 */
export function inputFiles(outcome: ScanOutcome): [string, () => FileContent][] {
  const json = (value: unknown) => () => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);
  return [
    ...policyFiles('inputs/policy', outcome.policyTexts?.judged),
    ...policyFiles('inputs/proposed', outcome.policyTexts?.proposed),
    ['inputs/config.effective.json', json(outcome.config)],
    ['inputs/catalog.yml', () => readFileSync(outcome.data.catalog.file)],
    ['inputs/mapping.yml', () => readFileSync(outcome.data.mapping.file)],
    ...ruleFiles(outcome),
    ['inputs/scanners.json', () => jsonLater(scannerInputs(outcome))],
  ];
}

import { BundleError, quoteForMessage } from '../errors.ts';

/** How much of an evidence bundle (zip or folder) is read before it is refused. */
export interface BundleLimits {
  /** Entries: files and folders (zip entries, or what a bundle folder holds at any depth). */
  entries: number;
  /** Bytes of one file, inflated. */
  entryBytes: number;
  /** Bytes of all files together, inflated. */
  totalBytes: number;
  /** Inflated bytes per compressed byte, checked for zip entries of at least `ratioFromBytes`. */
  ratio: number;
  ratioFromBytes: number;
}

const MiB = 1024 * 1024;

/*
 * The limits every reader of a bundle applies (`--baseline`, `evidence verify`, `evidence summarize`),
 * measured on the bundles controlgate writes:
 *
 * - the example app's (Semgrep, Bandit, KICS): 11 files, 1.5 MB; zipped, the highest ratio is 18
 *   (oscal/assessment-results.json);
 * - the largest the benchmarks make (`bench/large-sarif.ts`, 200,000 findings): 9 files, 323 MB
 *   (controlgate.json 147 MB, sarif/merged.sarif 94 MB, the imported SARIF 72 MB); its zip is 38 MB,
 *   the highest ratio 16 (report.html).
 *
 * A bundle holds 8 files, one SARIF per scanner and, after a comparison, one per scanner's base run:
 * 1,000 entries is room for hundreds of scanners. 1 GiB in all is three times the 200,000-finding
 * bundle (about 600,000 findings; the gate itself needs 2.6 GiB at 1,000,000); and as the files are
 * held in memory to be hashed and parsed, it is also what reading a bundle may cost. 512 MiB for one
 * file is about V8's longest string, past which controlgate.json could not be parsed anyway. A ratio
 * of 200 is ten times what JSON and HTML reach, and a fifth of deflate's best (1,032, a run of zeros);
 * entries under 1 MiB are exempt, as they cannot cost much whatever their ratio.
 *
 * Sizes a zip declares are checked before anything is inflated, and inflating stops as soon as an
 * entry's output passes what it declared: an archive that lies gets at most 64 KiB further.
 */
export const BUNDLE_LIMITS: Readonly<BundleLimits> = Object.freeze({
  entries: 1_000,
  entryBytes: 512 * MiB,
  totalBytes: 1024 * MiB,
  ratio: 200,
  ratioFromBytes: 1 * MiB,
});

/** A byte count for a message: exact below 1 MiB, else in MiB. */
export function formatBytes(bytes: number): string {
  return bytes < MiB ? `${bytes.toLocaleString('en-US')} bytes` : `${(bytes / MiB).toFixed(1)} MiB`;
}

/**
 * Why an entry name cannot be a bundle's, or undefined: only relative POSIX paths that stay inside
 * the bundle (a folder entry may end in `/`). What another tool would extract elsewhere, or read
 * differently, is refused rather than skipped, so that a verified bundle means the same everywhere.
 */
export function entryNameProblem(name: string): string | undefined {
  if (name === '') return 'an entry with an empty name';
  const quoted = quoteForMessage(name);
  if (name.includes('\0')) return `entry ${quoted} has a NUL character in its name`;
  if (name.includes('\\')) return `entry ${quoted} has a backslash in its name (not a POSIX path)`;
  if (name.startsWith('/') || /^[a-z]:/i.test(name)) return `entry ${quoted} is an absolute path`;
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.includes('..')) return `entry ${quoted} escapes the bundle (a ".." segment)`;
  if (segments.some((s) => s === '' || s === '.')) return `entry ${quoted} has an empty or "." segment`;
  return undefined;
}

/**
 * The running account of one bundle being read: each entry's name, the count, each file's size and
 * the total, checked as they come. Throws a BundleError naming the limit and what was found.
 */
export class BundleBudget {
  private entryCount = 0;
  private total = 0;
  private readonly names = new Set<string>();
  readonly location: string;
  readonly limits: Readonly<BundleLimits>;
  constructor(location: string, limits: Readonly<BundleLimits>) {
    this.location = location;
    this.limits = limits;
  }

  refuse(problem: string): never {
    throw new BundleError(this.location, problem);
  }

  /** The archive declares this many entries, before any is read. */
  declareEntries(count: number): void {
    if (count > this.limits.entries)
      this.refuse(
        `it has ${count.toLocaleString('en-US')} entries, over the limit of ${this.limits.entries}`,
      );
  }

  /** One entry (file or folder): its name checked, counted, and not seen before. */
  entry(name: string): void {
    const problem = entryNameProblem(name);
    if (problem) this.refuse(problem);
    this.entryCount += 1;
    if (this.entryCount > this.limits.entries)
      this.refuse(`it has more than ${this.limits.entries} entries (the limit)`);
    if (this.names.has(name)) this.refuse(`entry ${quoteForMessage(name)} appears twice`);
    this.names.add(name);
  }

  /** One file's size, before its content is read (as declared, or as the file system says). */
  file(name: string, bytes: number): void {
    if (bytes > this.limits.entryBytes)
      this.refuse(
        `${quoteForMessage(name)} is ${formatBytes(bytes)}, over the limit of ${formatBytes(this.limits.entryBytes)} for one file`,
      );
    this.total += bytes;
    if (this.total > this.limits.totalBytes)
      this.refuse(
        `its files add up to more than ${formatBytes(this.limits.totalBytes)} (the limit) at ${quoteForMessage(name)}`,
      );
  }
}

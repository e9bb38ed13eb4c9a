import type { ScannerRun } from '../findings/scanner-run.ts';

/*
 * The coverage ledger: for every file in scope (the change's files on a pull request, the tree on a
 * full scan), which scanners apply to it, which judged it, and for each that did not, why. "No
 * finding" is only a statement about a file some scanner judged; the ledger is where a reader (or an
 * auditor) checks that nothing the change touched went unjudged without a word.
 */

/**
 * judged: every scanner that applies judged it. not-judged: one that applies could not (failed, its
 * rules timed out, a parse error, a link it cannot read through): its criteria are not evaluated.
 * not-scanned: nothing that applies was asked to (excluded by the configuration, no scanner reads
 * this kind of file, a link to outside the checkout), which the ledger says and the gate accepts.
 */
export type CoverageState = 'judged' | 'not-judged' | 'not-scanned';

export type CoverageKind = 'file' | 'symlink' | 'folder' | 'unreadable-name' | 'submodule' | 'missing';

export interface CoverageEntry {
  /** Workspace-relative, with `/` (a name that is not UTF-8 shows its bytes as `\xNN`). */
  path: string;
  kind: CoverageKind;
  state: CoverageState;
  /** Scanner ids that judged it. */
  judgedBy: string[];
  /** Scanners that apply to it but did not judge it, and why. */
  notJudgedBy?: { scanner: string; reason: string }[];
  /** For a file not scanned: what kind of reason (the note says the reason itself). */
  notScanned?: NotScannedWhy;
  /** Why it was not scanned, or what is special about it (excluded folder it was imported from, link target). */
  note?: string;
}

/** excluded: by the configuration; no-scanner: no enabled scanner reads its kind; link: a link to nothing of this repository's code. */
export type NotScannedWhy = 'excluded' | 'no-scanner' | 'link' | 'submodule' | 'missing';

export interface CoverageLedger {
  /** changed-files: the files a pull request changed; all-files: everything under the scanned path. */
  scope: 'changed-files' | 'all-files';
  counts: Record<CoverageState, number>;
  entries: CoverageEntry[];
}

/** A scanner as the ledger sees it: its run, and which paths it would take. */
export interface LedgerScanner {
  id: string;
  displayName: string;
  /** Whether this scanner reads a file at this absolute path (its plugin's selectFiles). */
  selects: (file: string) => boolean;
  /** Why it does not read a file of a kind it reads (Semgrep's ignore files), when that is so. */
  skips?: (file: string) => string | undefined;
  run: ScannerRun | undefined;
}

/** One path in scope, with what is known about it before the scanners are asked. */
export type ScopeItem =
  | { kind: 'file'; path: string; absolute: string; note?: string }
  | { kind: 'symlink'; path: string; absolute: string; target: LinkTarget }
  | { kind: 'unreadable-name'; path: string; absolute: string }
  /** A file the change put inside controlgate's own output or tools folder, which is never scanned. */
  | { kind: 'in-own-output'; path: string; absolute: string; what: string }
  | { kind: 'folder' | 'submodule' | 'missing'; path: string; note: string; excluded?: boolean }
  | { kind: 'excluded-file'; path: string; note: string };

/** Where a link leads, as far as judging it goes. */
export type LinkTarget =
  /** A regular file inside the workspace that is itself a candidate for scanning. */
  | { kind: 'scanned-file'; path: string; absolute: string }
  /** Inside the workspace but not scanned as itself (excluded, a folder's name) */
  | { kind: 'unscanned'; path: string; why: string }
  | { kind: 'folder'; path: string }
  | { kind: 'outside' }
  | { kind: 'dangling' };

function describeTarget(target: LinkTarget): string {
  switch (target.kind) {
    case 'scanned-file':
      return `link to ${target.path}`;
    case 'unscanned':
      return `link to ${target.path} (${target.why})`;
    case 'folder':
      return `link to the folder ${target.path}; its files are scanned where they are`;
    case 'outside':
      return 'link to a path outside the scanned checkout, which is not part of this repository';
    case 'dangling':
      return 'link to nothing in this checkout';
  }
}

/**
 * For each scanner, the paths among `items` it applies to but no tool can be given: a link whose
 * target it does not read as the link's kind of file, or a name that is not UTF-8. They are added to
 * its run's unjudged files before the policy is evaluated, so its criteria are not evaluated.
 */
export function unreachableFiles(
  items: readonly ScopeItem[],
  scanners: readonly LedgerScanner[],
): Map<string, { path: string; reason: string }[]> {
  const byScanner = new Map<string, { path: string; reason: string }[]>();
  const add = (id: string, path: string, reason: string) =>
    byScanner.set(id, [...(byScanner.get(id) ?? []), { path, reason }]);
  for (const item of items) {
    if (item.kind === 'unreadable-name') {
      for (const s of scanners.filter((s) => s.run)) {
        add(s.id, item.path, 'its name is not valid UTF-8, so no scanner can be given it');
      }
    } else if (item.kind === 'in-own-output') {
      for (const s of scanners.filter((s) => s.run && s.selects(item.absolute))) {
        add(
          s.id,
          item.path,
          `it is inside ${item.what}, which is never scanned: keep the project's files out of it`,
        );
      }
    } else if (item.kind === 'symlink') {
      for (const s of scanners.filter((s) => s.run && s.selects(item.absolute))) {
        const reason = linkProblem(item.path, item.target, s);
        if (reason) add(s.id, item.path, reason);
      }
    }
  }
  return byScanner;
}

/** Why a scanner that takes a link's name cannot be said to have judged what it points at. */
function linkProblem(link: string, target: LinkTarget, scanner: LedgerScanner): string | undefined {
  switch (target.kind) {
    case 'scanned-file':
      // Judged as its target only when the scanner reads the target as the kind the link's name
      // says: Python behind `tool.py` read as plain text (Semgrep takes every text file) is not.
      return scanner.selects(target.absolute) && sameKind(link, target.path)
        ? undefined
        : `a symbolic link to ${target.path}, which ${scanner.displayName} does not read as this kind of file; scanners do not follow links`;
    case 'unscanned':
      return `a symbolic link to ${target.path}, which is not scanned (${target.why}); scanners do not follow links`;
    default:
      // A folder's files are judged where they are; outside the checkout or nowhere is not this repository's code.
      return undefined;
  }
}

/** Whether a link's name and its target's name say the same kind of file (a name without an extension says none). */
function sameKind(link: string, target: string): boolean {
  const ext = (p: string) => {
    const base = p.slice(p.lastIndexOf('/') + 1);
    const dot = base.lastIndexOf('.');
    return dot > 0 ? base.slice(dot).toLowerCase() : '';
  };
  return ext(link) === '' || ext(link) === ext(target);
}

/** The ledger from the scope and the scanners' runs (with `unreachableFiles` already added to them). */
export function buildLedger(
  scope: CoverageLedger['scope'],
  items: readonly ScopeItem[],
  scanners: readonly LedgerScanner[],
  /** Why no scanner takes a file of this kind (minified, a lockfile, binary), when known. */
  whyNoScanner: (path: string) => string | undefined = () => undefined,
): CoverageLedger {
  // Each run's unjudged files, looked up by path once.
  const unjudged = new Map(
    scanners.map((s) => [s.id, new Map((s.run?.unjudged ?? []).map((u) => [u.path, u.reason]))]),
  );
  const entries = items.map((item): CoverageEntry => {
    switch (item.kind) {
      case 'excluded-file':
        return { ...notScanned(item.path, 'file', 'excluded'), note: item.note };
      case 'folder':
        return { ...notScanned(item.path, 'folder', 'excluded'), note: item.note };
      case 'submodule':
      case 'missing':
        return { ...notScanned(item.path, item.kind, item.kind), note: item.note };
      default:
        return judge(item, scanners, unjudged, whyNoScanner);
    }
  });
  const counts: Record<CoverageState, number> = { judged: 0, 'not-judged': 0, 'not-scanned': 0 };
  for (const e of entries) counts[e.state] += 1;
  return { scope, counts, entries };
}

function notScanned(path: string, kind: CoverageKind, why: NotScannedWhy): CoverageEntry {
  return { path, kind, state: 'not-scanned', judgedBy: [], notScanned: why };
}

function judge(
  item: Extract<ScopeItem, { kind: 'file' | 'symlink' | 'unreadable-name' | 'in-own-output' }>,
  scanners: readonly LedgerScanner[],
  unjudged: ReadonlyMap<string, ReadonlyMap<string, string>>,
  whyNoScanner: (path: string) => string | undefined,
): CoverageEntry {
  const judgedBy: string[] = [];
  const notJudgedBy: { scanner: string; reason: string }[] = [];
  const skipped: string[] = [];
  for (const s of scanners) {
    if (!s.run) continue;
    const listed = unjudged.get(s.id)?.get(item.path);
    if (item.kind === 'unreadable-name' || item.kind === 'in-own-output') {
      if (listed !== undefined) notJudgedBy.push({ scanner: s.id, reason: listed });
      continue;
    }
    if (!s.selects(item.absolute)) {
      const skip = item.kind === 'file' ? s.skips?.(item.absolute) : undefined;
      if (skip !== undefined) skipped.push(`not given to ${s.displayName}: ${skip}`);
      continue;
    }
    if (listed !== undefined) notJudgedBy.push({ scanner: s.id, reason: listed });
    else if (s.run.status === 'failed') {
      notJudgedBy.push({
        scanner: s.id,
        reason: `${s.displayName} failed: ${s.run.error ?? 'no reason given'}`,
      });
    } else if (s.run.status === 'skipped') {
      notJudgedBy.push({
        scanner: s.id,
        reason: `${s.displayName} did not run: ${s.run.error ?? 'skipped'}`,
      });
    } else if (item.kind === 'symlink' && item.target.kind !== 'scanned-file') {
      // Nothing of this repository to judge behind it: said in the note, not counted as judged.
    } else judgedBy.push(s.id);
  }
  const note =
    item.kind === 'symlink'
      ? describeTarget(item.target)
      : item.kind === 'file'
        ? item.note
        : item.kind === 'in-own-output'
          ? `inside ${item.what}`
          : undefined;
  const state =
    notJudgedBy.length > 0 ? 'not-judged' : judgedBy.length > 0 ? 'judged' : ('not-scanned' as const);
  const why: NotScannedWhy | undefined =
    state !== 'not-scanned'
      ? undefined
      : item.kind === 'symlink'
        ? 'link'
        : item.kind === 'in-own-output' || skipped.length > 0
          ? 'excluded'
          : 'no-scanner';
  const noScanner =
    why === 'no-scanner'
      ? (whyNoScanner(item.path) ?? 'no enabled scanner reads this kind of file')
      : undefined;
  const shown = [note, ...skipped, noScanner].filter(Boolean).join('; ');
  return {
    path: item.path,
    kind: item.kind === 'in-own-output' ? 'file' : item.kind,
    state,
    judgedBy,
    ...(notJudgedBy.length > 0 ? { notJudgedBy } : {}),
    ...(why ? { notScanned: why } : {}),
    ...(shown ? { note: shown } : {}),
  };
}

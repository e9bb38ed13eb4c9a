import { lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { notTextReason } from '../../scanners/file-kinds.ts';
import {
  buildLedger,
  type CoverageLedger,
  type LedgerScanner,
  type LinkTarget,
  type ScopeItem,
  unreachableFiles,
} from '../coverage/ledger.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { toPosix } from '../paths.ts';
import type { PlannedScanner } from '../runner/run-scanners.ts';
import type { FileListing, Workspace } from './workspace.ts';

/*
 * Builds the coverage ledger of one scan (src/coverage/ledger.ts) from what the walk found and how
 * the scanners ran, and adds to each run the files it applies to but could not be given (a link it
 * cannot read through, a name that is not UTF-8), so its criteria are not evaluated.
 */

export interface CoverageRequest {
  workspace: Workspace;
  listing: FileListing;
  planned: readonly PlannedScanner[];
  runs: readonly ScannerRun[];
  /** Workspace-relative paths the change added or modified; undefined on a full scan. */
  changed?: ReadonlySet<string>;
}

export interface CoverageOutcome {
  ledger: CoverageLedger;
  /** The runs, with files they could not be given added to their unjudged files. */
  runs: ScannerRun[];
}

export function coverageOf(request: CoverageRequest): CoverageOutcome {
  const { workspace } = request;
  const items = scopeItems(request);
  const absolutes = items.flatMap((i) =>
    'absolute' in i
      ? [i.absolute, ...(i.kind === 'symlink' && i.target.kind === 'scanned-file' ? [i.target.absolute] : [])]
      : [],
  );
  // Each plugin's selection, run once over every path the ledger asks about.
  const selected = new Map(
    request.planned.map((p) => [
      p.scanner.id,
      new Set(p.scanner.selectFiles(absolutes, workspace.root, p.options)),
    ]),
  );
  const ledgerScanners = (runs: readonly ScannerRun[]): LedgerScanner[] =>
    request.planned.map((p) => ({
      id: p.scanner.id,
      displayName: p.scanner.displayName,
      selects: (file) => selected.get(p.scanner.id)?.has(file) === true,
      skips: (file) => p.scanner.skipReason?.(file, workspace.root, p.options),
      run: runs.find((r) => r.id === p.scanner.id),
    }));
  const gaps = unreachableFiles(items, ledgerScanners(request.runs));
  const runs = request.runs.map((run): ScannerRun => {
    const added = gaps.get(run.id);
    return added ? { ...run, unjudged: [...(run.unjudged ?? []), ...added] } : run;
  });
  return {
    ledger: buildLedger(
      request.changed ? 'changed-files' : 'all-files',
      items,
      ledgerScanners(runs),
      notTextReason,
    ),
    runs,
  };
}

/** The paths in scope, each with what the walk knows of it. */
function scopeItems(request: CoverageRequest): ScopeItem[] {
  const { workspace, listing, changed } = request;
  const rel = (abs: string) => toPosix(path.relative(workspace.root, abs));
  const files = new Set(listing.files);
  const links = new Set(listing.links);
  const imported = new Map(listing.imported.map((i) => [i.file, i.importedBy]));
  const excludedFolders = listing.excluded.filter((e) => e.folder);
  const excludedFiles = new Map(listing.excluded.filter((e) => !e.folder).map((e) => [e.path, e]));
  const inExcludedFolder = (p: string) => excludedFolders.find((e) => p.startsWith(`${e.path}/`));
  const folderNote = (e: { path: string; reason: string }) => `in ${e.path}, an excluded folder: ${e.reason}`;
  const rootReal = safeRealpath(workspace.root) ?? workspace.root;

  const fileItem = (abs: string): ScopeItem => {
    const by = imported.get(abs);
    const folder = by !== undefined ? inExcludedFolder(rel(abs)) : undefined;
    return {
      kind: 'file',
      path: rel(abs),
      absolute: abs,
      ...(by !== undefined
        ? {
            note: `in the excluded folder ${folder?.path ?? path.dirname(rel(abs))}, but ${rel(by)} imports it, so it is scanned as this repository's code`,
          }
        : {}),
    };
  };
  const linkTarget = (link: string): LinkTarget => {
    const real = safeRealpath(link);
    if (real === undefined) return { kind: 'dangling' };
    const inside = path.relative(rootReal, real);
    if (inside.startsWith('..') || path.isAbsolute(inside)) return { kind: 'outside' };
    const targetRel = toPosix(inside);
    const absolute = path.join(workspace.root, inside);
    if (isDirectory(real)) return { kind: 'folder', path: targetRel };
    if (files.has(absolute)) return { kind: 'scanned-file', path: targetRel, absolute };
    const why = excludedFiles.get(targetRel)?.reason ?? inExcludedFolder(targetRel)?.reason;
    return { kind: 'unscanned', path: targetRel, why: why ?? 'not under the scanned path' };
  };
  const linkItem = (abs: string): ScopeItem => ({
    kind: 'symlink',
    path: rel(abs),
    absolute: abs,
    target: linkTarget(abs),
  });

  if (changed === undefined) {
    return [
      ...listing.files.map(fileItem),
      ...listing.links.map(linkItem),
      ...listing.unreadable.map((abs) => ({
        kind: 'unreadable-name' as const,
        path: rel(abs),
        absolute: abs,
      })),
      ...listing.excluded.map(
        (e): ScopeItem =>
          e.folder
            ? { kind: 'folder', path: e.path, note: `excluded folder: ${e.reason}`, excluded: true }
            : { kind: 'excluded-file', path: e.path, note: `excluded: ${e.reason}` },
      ),
    ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  const targetRel = rel(workspace.target);
  const underTarget = (p: string) => targetRel === '' || p === targetRel || p.startsWith(`${targetRel}/`);
  return [...changed]
    .filter(underTarget)
    .sort()
    .map((p): ScopeItem => {
      const abs = path.join(workspace.root, p);
      if (files.has(abs)) return fileItem(abs);
      if (links.has(abs)) return linkItem(abs);
      const excludedFile = excludedFiles.get(p);
      if (excludedFile) return { kind: 'excluded-file', path: p, note: `excluded: ${excludedFile.reason}` };
      const folder = inExcludedFolder(p);
      if (folder) return { kind: 'excluded-file', path: p, note: folderNote(folder) };
      // A file the change put where controlgate writes its output or keeps its tools: never scanned,
      // so never a way around the scanners.
      const own = listing.own.find((o) => p === o.path || p.startsWith(`${o.path}/`));
      if (own)
        return {
          kind: 'in-own-output',
          path: p,
          absolute: abs,
          what: own.reason.replace(/, which is never scanned$/, ''),
        };
      if (p.includes('\ufffd')) return { kind: 'unreadable-name', path: p, absolute: abs };
      const stat = safeLstat(abs);
      if (stat?.isDirectory()) {
        return {
          kind: 'submodule',
          path: p,
          note: "a submodule: another repository's commit, not scanned here",
        };
      }
      return {
        kind: 'missing',
        path: p,
        note: stat ? 'not a regular file the walk lists' : 'not in the scanned checkout',
      };
    });
}

function safeRealpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

function safeLstat(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

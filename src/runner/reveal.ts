import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DroppedSuppressions, Scanner } from '../../scanners/types.ts';
import { containedRelative, toPosix } from '../paths.ts';
import type { SarifLogInput, SarifResult } from '../sarif/model.ts';
import { resultFilePath } from '../sarif/normalize.ts';
import { stripControlChars } from '../text.ts';

/*
 * KICS drops what its `kics-scan` comments cover before it writes SARIF, so a comment a change adds
 * would hide a finding without a trace. For each file whose comments must be judged, the scanner
 * also gets a copy with those comments made inert (beside copies of the file's neighbours and the
 * rest of its unit, so a Terraform module still resolves its variables and a Helm chart still renders
 * the same way). A result only the copy has is what
 * the comments hid: it is kept, moved to the real file, and marked as an in-source suppression at
 * the nearest comment above it, so the gate can honour or refuse it like a nosec.
 */

export interface RevealPlan {
  /** Copies to scan besides the real files. */
  extraFiles: string[];
  /** Rewrites the tool's SARIF: copy results the real files lack are kept as suppressed; others go. */
  reconcile(log: SarifLogInput, baseDir: string): void;
}

interface Copy {
  original: string;
  /** 1-based lines whose comments were made inert, with their text. */
  comments: { line: number; text: string }[];
}

/** The comment's own words, for the suppression's justification. */
function commentText(line: string): string {
  const at = line.search(/kics-scan/i);
  return stripControlChars(line.slice(at).trim()).slice(0, 200);
}

/**
 * Writes the copies for `files` (absolute, each a file the scanner was given) under `dir`, mirroring
 * their place under `root`; files without a suppression comment need none. Each copy has beside it
 * copies of the scanned files of its folder and, given `unitOf`, of its unit (a Helm chart's
 * Chart.yaml and values.yaml for a template), so the copy is read as the real file is.
 */
export async function planReveal(
  dropped: DroppedSuppressions,
  files: readonly string[],
  scanned: readonly string[],
  root: string,
  dir: string,
  unitOf?: Scanner['unitOf'],
): Promise<RevealPlan | undefined> {
  const copies = new Map<string, Copy>();
  const neighbours = new Map<string, string>();
  const scannedRel = new Map(
    scanned.flatMap((file) => {
      const rel = containedRelative(root, file);
      return rel === undefined ? [] : [[file, toPosix(rel)] as const];
    }),
  );
  const known = new Set(scannedRel.values());
  const distinguish = (rel: string, text: string) => dropped.distinguish?.(toPosix(rel), text) ?? text;
  const unit = (file: string) => {
    const rel = scannedRel.get(file);
    return rel === undefined || !unitOf ? undefined : unitOf(rel, (r) => known.has(r));
  };
  for (const file of files) {
    const rel = containedRelative(root, file);
    if (rel === undefined) continue;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined || !/kics-scan/i.test(text)) continue;
    const original = text.split('\n');
    const lines = [...original];
    const commentLines = dropped.commentLines(lines);
    if (commentLines.length === 0) continue;
    const copy = path.join(dir, rel);
    for (const n of commentLines) lines[n - 1] = dropped.neutralize(lines[n - 1] ?? '');
    await mkdir(path.dirname(copy), { recursive: true });
    await writeFile(copy, distinguish(rel, lines.join('\n')));
    copies.set(copy, {
      original: file,
      comments: commentLines.map((line) => ({ line, text: commentText(original[line - 1] ?? '') })),
    });
    const itsUnit = unit(file);
    for (const other of scanned) {
      if (other === file) continue;
      if (path.dirname(other) !== path.dirname(file) && (itsUnit === undefined || unit(other) !== itsUnit))
        continue;
      const otherRel = containedRelative(root, other);
      if (otherRel !== undefined) neighbours.set(path.join(dir, otherRel), other);
    }
  }
  if (copies.size === 0) return undefined;
  for (const [copy, original] of neighbours) {
    if (copies.has(copy)) continue;
    await mkdir(path.dirname(copy), { recursive: true });
    const rel = scannedRel.get(original) ?? '';
    const bytes = await readFile(original);
    const text = dropped.distinguish ? dropped.distinguish(rel, bytes.toString('utf8')) : undefined;
    await writeFile(copy, text === undefined || text === bytes.toString('utf8') ? bytes : text);
  }
  const extraFiles = [...copies.keys(), ...[...neighbours.keys()].filter((c) => !copies.has(c))].sort();
  return { extraFiles, reconcile: (log, baseDir) => reconcile(log, baseDir, dir, copies) };
}

function startLine(result: SarifResult): number {
  return result.locations?.[0]?.physicalLocation?.region?.startLine ?? 0;
}

function reconcile(log: SarifLogInput, baseDir: string, dir: string, copies: ReadonlyMap<string, Copy>) {
  for (const run of log.runs) {
    const results = run.results ?? [];
    const where = results.map((r) => resultFilePath(run, r, baseDir));
    const key = (file: string, r: SarifResult) =>
      `${file}\u0000${r.ruleId ?? r.rule?.id ?? ''}\u0000${startLine(r)}`;
    const reported = new Set<string>();
    results.forEach((r, i) => {
      const file = where[i];
      if (file !== undefined && containedRelative(dir, file) === undefined) reported.add(key(file, r));
    });
    const kept: SarifResult[] = [];
    results.forEach((r, i) => {
      const file = where[i];
      if (file === undefined || containedRelative(dir, file) === undefined) {
        kept.push(r);
        return;
      }
      const copy = copies.get(file);
      // A neighbour's copy only gave its file's context; the real file reported its own results.
      if (!copy || reported.has(key(copy.original, r))) return;
      const line = startLine(r);
      const comment = copy.comments.filter((c) => c.line <= line).at(-1) ??
        copy.comments[0] ?? { line: 1, text: 'kics-scan' };
      // Relative to where the tool ran, as the tool writes its own URIs.
      const uri = toPosix(path.relative(baseDir, copy.original)).split('/').map(encodeURIComponent).join('/');
      const physical = r.locations?.[0]?.physicalLocation;
      if (physical) physical.artifactLocation = { uri };
      r.suppressions = [
        {
          kind: 'inSource',
          status: 'accepted',
          justification: comment.text,
          location: {
            physicalLocation: {
              artifactLocation: { uri },
              region: { startLine: comment.line },
            },
          },
        },
      ];
      kept.push(r);
    });
    run.results = kept;
  }
}

import { lstatSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PolicyDifference } from '../config/policy-diff.ts';
import type { CustomScannerConfig } from '../config/schema.ts';
import type { Git } from '../diff/git.ts';
import { realPath, toPosix } from '../paths.ts';

/*
 * What a custom scanner runs is reviewed code. Its definition comes from the base commit already;
 * a file of the repository that its command line names (a script, a rules file) does too: when the
 * change edited it, the base's version is run from a copy, and the edit is reported as proposed.
 * A file the change added is never run.
 */

export interface PinnedScripts {
  custom: CustomScannerConfig[];
  changes: PolicyDifference[];
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}

interface PinContext {
  git: Git;
  repoRoot: string;
  commit: string;
  root: string;
  cwd: string;
  /** Where base copies go (a scratch folder of this run). */
  dir: string;
}

/** The base's version of `value` when it names a repository file the change touched; else undefined. */
async function pin(
  value: string,
  id: string,
  ctx: PinContext,
  changes: PolicyDifference[],
): Promise<string | undefined> {
  const expanded = value.replaceAll('{root}', ctx.root);
  // Other placeholders stand for this run's files and folders, and bare names for programs on PATH.
  if (/\{[a-z]+\}/i.test(expanded) || !(expanded.includes('/') || isFile(path.resolve(ctx.cwd, expanded))))
    return undefined;
  const absolute = path.resolve(ctx.cwd, expanded);
  // The name itself, not what a link there points to: a change that turns the script into a link to
  // another (unchanged) file has changed what runs, and must not be judged by the other file.
  const named = path.join(realPath(path.dirname(absolute)), path.basename(absolute));
  const rel = toPosix(path.relative(ctx.repoRoot, named));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const base = await ctx.git.fileAt(ctx.commit, rel);
  const entry = lstatSync(named, { throwIfNoEntry: false });
  const head = entry?.isFile() ? await readFile(named, 'utf8') : undefined;
  if (base === head && !entry?.isSymbolicLink()) return undefined;
  const key = `scanners.custom.${id}.runs`;
  const copy = path.join(ctx.dir, ...rel.split('/'));
  if (base === undefined) {
    if (!entry) return undefined;
    // Added by the change: nothing reviewed to run. The path stays missing, so the scanner fails.
    changes.push({ key, change: 'added', after: JSON.stringify(rel) });
    return copy;
  }
  await mkdir(path.dirname(copy), { recursive: true });
  await writeFile(copy, base);
  const mode = (await ctx.git.run(['ls-tree', ctx.commit, '--', rel])).split(' ', 1)[0];
  if (mode === '100755') await chmod(copy, 0o755);
  changes.push({
    key,
    change: 'changed',
    before: JSON.stringify(`${rel} at the base`),
    after: JSON.stringify(rel),
  });
  return copy;
}

/** The custom scanners with every repository file they name as the base commit has it. */
export async function scriptsFromBase(
  custom: readonly CustomScannerConfig[],
  ctx: PinContext,
): Promise<PinnedScripts> {
  const changes: PolicyDifference[] = [];
  const pinned: CustomScannerConfig[] = [];
  for (const scanner of custom) {
    const before = changes.length;
    let command = (await pin(scanner.command, scanner.id, ctx, changes)) ?? scanner.command;
    const args: string[] = [];
    for (const arg of scanner.args) args.push((await pin(arg, scanner.id, ctx, changes)) ?? arg);
    // A file the change added has no reviewed version. Whatever exit codes the scanner's definition
    // calls clean, it must not run: its command becomes the missing copy, so it is reported not
    // available and its criteria are not evaluated.
    const added = changes.slice(before).find((c) => c.change === 'added');
    if (added?.after) command = path.join(ctx.dir, ...(JSON.parse(added.after) as string).split('/'));
    pinned.push({ ...scanner, command, args });
  }
  return { custom: pinned, changes };
}

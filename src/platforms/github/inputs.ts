/**
 * Every input of the Action, read and checked in one place. A bad input is an InputError that names
 * the input, the bad value and the expected form, as actions/checkout does.
 */

import { UsageError } from '../../errors.ts';
import { COMMENT_MODES, type CommentMode, type FailMode } from '../types.ts';

/** A bad Action input: the user's mistake, reported without a stack. */
export class InputError extends UsageError {
  override readonly name = 'InputError';
}

/** What the Action does: gate a change, or record a merged one (change-management evidence). */
export const ACTION_MODES = ['gate', 'merge-record'] as const;
export type ActionMode = (typeof ACTION_MODES)[number];

export interface ActionInputs {
  mode: ActionMode;
  /** The merge record's artifact name (mode merge-record). */
  mergeRecordName: string;
  path: string;
  workingDirectory: string;
  config: string | undefined;
  scanners: string[] | undefined;
  token: string;
  comment: CommentMode;
  commentKey: string;
  status: boolean;
  statusContext: string;
  annotations: boolean;
  evidenceName: string;
  evidenceRetentionDays: number | undefined;
  installScanners: boolean;
  /** Keep the installed scanners in the Actions cache between runs (only when installing). */
  cacheScanners: boolean;
  failMode: FailMode;
  /** Second half of the fork-safe pattern: post results from this downloaded evidence folder. */
  reportFrom: string | undefined;
  /** "auto": the pull request's base; "none": judge everything; else a git ref to compare with. */
  base: string;
  /** An earlier run's evidence bundle (folder or zip) to compare with instead of scanning the base. */
  baseline: string | undefined;
}

function raw(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

function oneOf<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = raw(env, name) || fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`input "${name}" is "${value}"; expected one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = raw(env, name).toLowerCase();
  if (value === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(value)) return true;
  if (['false', 'no', '0', 'off'].includes(value)) return false;
  throw new InputError(`input "${name}" is "${value}"; expected true or false`);
}

/** The runner's folders: the checked-out workspace and a temporary folder removed after the job. */
export function runnerPaths(
  env: NodeJS.ProcessEnv,
  cwd: string,
  tmp: string,
): { workspace: string; temp: string } {
  return { workspace: env.GITHUB_WORKSPACE ?? cwd, temp: env.RUNNER_TEMP ?? tmp };
}

/** Reads the Action's inputs from the INPUT_* environment the runner sets. */
export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const scanners = raw(env, 'scanners');
  const retention = raw(env, 'evidence-retention-days');
  if (retention !== '' && !/^\d+$/.test(retention)) {
    throw new InputError(
      `input "evidence-retention-days" is "${retention}"; expected a whole number of days (1–90)`,
    );
  }
  const commentKey = raw(env, 'comment-key') || 'default';
  if (!/^[A-Za-z0-9._/-]{1,64}$/.test(commentKey)) {
    throw new InputError(
      `input "comment-key" is "${commentKey}"; expected 1–64 letters, digits, dots, dashes, underscores or slashes`,
    );
  }
  const base = raw(env, 'base') || 'auto';
  if (base.startsWith('-') || /\s/.test(base))
    throw new InputError(`input "base" is "${base}"; expected auto, none or a git ref such as origin/main`);
  return {
    mode: oneOf(env, 'mode', ACTION_MODES, 'gate'),
    mergeRecordName: raw(env, 'merge-record-name') || 'controlgate-merge-record',
    base,
    baseline: raw(env, 'baseline') || undefined,
    path: raw(env, 'path') || '.',
    workingDirectory: raw(env, 'working-directory') || '.',
    config: raw(env, 'config') || undefined,
    scanners: scanners
      ? scanners
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    token: raw(env, 'token'),
    comment: oneOf(env, 'comment', COMMENT_MODES, 'update'),
    commentKey,
    status: bool(env, 'status', true),
    statusContext: raw(env, 'status-context') || 'controlgate / SOC 2',
    annotations: bool(env, 'annotations', true),
    evidenceName: raw(env, 'evidence-name') || 'controlgate-evidence',
    evidenceRetentionDays: retention === '' ? undefined : Number(retention),
    installScanners: bool(env, 'install-scanners', true),
    cacheScanners: bool(env, 'cache-scanners', true),
    failMode: oneOf(env, 'fail-mode', ['auto', 'enforce', 'report-only'] as const, 'auto'),
    reportFrom: raw(env, 'report-from') || undefined,
  };
}

import type { ChangeContext } from '../change-context.ts';
import type { BaseSetting, FailMode } from './settings.ts';

/** What `auto` came to, and why: the exit code's log line says it. */
export interface ResolvedFailMode {
  mode: 'enforce' | 'report-only';
  /** Set when `auto` chose report-only: the sentence the log gives for not failing. */
  because?: string;
}

/**
 * `auto` enforces wherever there is a change to judge: a pull or merge request, a merge queue, a
 * local run (the developer asked), or an explicit base ref. A CI run with no change (a push to the
 * default branch, a schedule) judges every finding the repository has ever had; failing it would
 * turn an existing repository's main red on the first day, before anyone could act, so `auto` only
 * reports there. The decision, the status and the evidence are the same either way: only the exit
 * code differs, and `enforce` restores it.
 */
export function resolveFailMode(mode: FailMode, context: ChangeContext, base: BaseSetting): ResolvedFailMode {
  if (mode !== 'auto') return { mode };
  if (context.platform === 'local' || context.isChange || base.kind === 'ref') return { mode: 'enforce' };
  const what = context.eventName ? `a ${context.eventName} run` : 'a CI run';
  return {
    mode: 'report-only',
    because: `fail-mode auto: ${what} has no change to judge, so it reports without failing; set fail-mode enforce to fail it`,
  };
}

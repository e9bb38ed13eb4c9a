import { clipForMessage } from '../errors.ts';
import type { Waiver } from '../findings/waivers.ts';
import type { Config } from './schema.ts';

/** One difference between the policy that judged a change and the one it proposes. */
export interface PolicyDifference {
  /** Where: a key path of .controlgate.yml (`policy.mode`, `scanners.custom.lint.command`) or `waivers.<id>`. */
  key: string;
  change: 'added' | 'removed' | 'changed' | 'extended';
  /** The value before and after, as compact JSON (cut to a readable length). */
  before?: string;
  after?: string;
}

/** The gate's rules on one side of a change. */
export interface PolicySide {
  config: Config;
  waivers: readonly Waiver[];
}

const VALUE_CHARS = 120;

function shown(value: unknown): string {
  return clipForMessage(JSON.stringify(value) ?? String(value), VALUE_CHARS);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Differences of two parsed values under `key`: objects key by key, lists of objects with an `id`
 * by id, other lists as sets of entries (an added exclude glob, a removed mapping override), and
 * anything else as a changed value.
 */
function diffValues(key: string, before: unknown, after: unknown, out: PolicyDifference[]): void {
  if (same(before, after)) return;
  if (before === undefined) {
    out.push({ key, change: 'added', after: shown(after) });
    return;
  }
  if (after === undefined) {
    out.push({ key, change: 'removed', before: shown(before) });
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) diffValues(`${key}.${k}`, before[k], after[k], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const byId = (list: unknown[]) =>
      list.every((item) => isPlainObject(item) && typeof item.id === 'string')
        ? new Map(list.map((item) => [(item as { id: string }).id, item]))
        : undefined;
    const beforeIds = byId(before);
    const afterIds = byId(after);
    if (beforeIds && afterIds) {
      for (const id of [...new Set([...beforeIds.keys(), ...afterIds.keys()])].sort())
        diffValues(`${key}.${id}`, beforeIds.get(id), afterIds.get(id), out);
      return;
    }
    const beforeSet = new Set(before.map((item) => JSON.stringify(item)));
    const afterSet = new Set(after.map((item) => JSON.stringify(item)));
    for (const item of before)
      if (!afterSet.has(JSON.stringify(item))) out.push({ key, change: 'removed', before: shown(item) });
    for (const item of after)
      if (!beforeSet.has(JSON.stringify(item))) out.push({ key, change: 'added', after: shown(item) });
    return;
  }
  out.push({ key, change: 'changed', before: shown(before), after: shown(after) });
}

/** A waiver's identity: its id, else what it matches. */
function waiverKey(w: Waiver): string {
  return w.id ?? JSON.stringify([w.fingerprint, w.scanner, w.rule, w.path]);
}

function waiverTerms(w: Waiver) {
  return {
    ...(w.fingerprint ? { fingerprint: w.fingerprint } : {}),
    ...(w.scanner ? { scanner: w.scanner } : {}),
    ...(w.rule ? { rule: w.rule } : {}),
    ...(w.path ? { path: w.path } : {}),
    expires: w.expires,
    approver: w.approver,
    ticket: w.ticket,
  };
}

function diffWaivers(before: readonly Waiver[], after: readonly Waiver[], out: PolicyDifference[]): void {
  const beforeBy = new Map(before.map((w) => [waiverKey(w), w]));
  const afterBy = new Map(after.map((w) => [waiverKey(w), w]));
  for (const key of [...new Set([...beforeBy.keys(), ...afterBy.keys()])].sort()) {
    const b = beforeBy.get(key);
    const a = afterBy.get(key);
    const label = `waivers.${a?.id ?? b?.id ?? key}`;
    if (!b && a) out.push({ key: label, change: 'added', after: shown(waiverTerms(a)) });
    else if (b && !a) out.push({ key: label, change: 'removed', before: shown(waiverTerms(b)) });
    else if (a && b && !same(waiverTerms(a), waiverTerms(b))) {
      const onlyLonger =
        same({ ...waiverTerms(a), expires: b.expires }, waiverTerms(b)) && a.expires > b.expires;
      out.push({
        key: label,
        change: onlyLonger ? 'extended' : 'changed',
        before: shown(waiverTerms(b)),
        after: shown(waiverTerms(a)),
      });
    }
  }
}

/**
 * What a change would change in the gate's own rules, setting by setting: criteria (mode, threshold,
 * scope), exclusions, mapping overrides, scanners (enabled, added, removed, command changed) and
 * waivers (added, removed, extended). Reported as a proposal: it applies after merge.
 */
export function diffPolicy(base: PolicySide, head: PolicySide): PolicyDifference[] {
  const out: PolicyDifference[] = [];
  const keys = [...new Set([...Object.keys(base.config), ...Object.keys(head.config)])].sort();
  const baseConfig = base.config as unknown as Record<string, unknown>;
  const headConfig = head.config as unknown as Record<string, unknown>;
  for (const key of keys) diffValues(key, baseConfig[key], headConfig[key], out);
  diffWaivers(base.waivers, head.waivers, out);
  return out;
}

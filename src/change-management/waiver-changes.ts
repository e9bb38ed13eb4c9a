import { parse } from 'yaml';

/*
 * The waivers a change adds or edits: entries of the waivers file at its head that are not, as
 * written, at its base. Read leniently (any YAML list under `waivers:`): the gate already refused
 * an invalid file on the change, and the record must still say who a new entry names as approver.
 */

export interface ChangedWaiver {
  id: string | null;
  approver: string;
  expires: string;
}

function entries(text: string | null): Record<string, unknown>[] {
  if (text === null) return [];
  try {
    const doc = parse(text, { maxAliasCount: 0 }) as { waivers?: unknown } | null;
    const list = doc?.waivers;
    return Array.isArray(list)
      ? list.filter((w): w is Record<string, unknown> => typeof w === 'object' && w !== null)
      : [];
  } catch {
    return [];
  }
}

/** A canonical form of an entry: equal entries written with keys in another order compare equal. */
function canonical(entry: Record<string, unknown>): string {
  return (
    JSON.stringify(Object.keys(entry).sort(), null, 0) +
    JSON.stringify(
      Object.keys(entry)
        .sort()
        .map((k) => entry[k]),
    )
  );
}

function text(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value === undefined || value === null ? '' : String(value);
}

/** Entries at the head that the base does not have as they are written. */
export function changedWaivers(base: string | null, head: string | null): ChangedWaiver[] {
  const before = new Set(entries(base).map(canonical));
  return entries(head)
    .filter((entry) => !before.has(canonical(entry)))
    .map((entry) => ({
      id: entry.id === undefined ? null : text(entry.id),
      approver: text(entry.approver).trim(),
      expires: text(entry.expires),
    }));
}

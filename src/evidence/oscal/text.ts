import { stripControlChars } from '../../text.ts';
import { CONTROLGATE_NS } from './ids.ts';

/** An OSCAL property: a namespaced name/value pair. */
export interface OscalProp {
  name: string;
  ns: string;
  value: string;
  remarks?: string;
}

const MAX_LINE = 300;

/**
 * One line of plain text: control characters removed, whitespace runs (newlines too) collapsed,
 * trimmed and capped. OSCAL titles and property values must be a single non-blank line.
 */
export function oneLine(text: string, max = MAX_LINE): string {
  const flat = stripControlChars(text).replace(/\s+/gu, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Text from scanned code or scanner output for an OSCAL markup field (Markdown in JSON): control
 * characters removed and the Markdown characters that could form HTML, links, images or code spans
 * escaped, so a renderer shows the text as it was, never as markup.
 */
export function markup(text: string): string {
  return stripControlChars(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[\\`*_[\]<>&]/g, (c) => `\\${c}`)
    .trim();
}

/** A single-line markup field (an OSCAL title). */
export function markupLine(text: string, max = MAX_LINE): string {
  return markup(oneLine(text, max));
}

/** controlgate properties; values that are empty after cleaning are left out (OSCAL forbids them). */
export function props(
  entries: readonly (readonly [string, string | number | boolean | null | undefined])[],
): OscalProp[] {
  const out: OscalProp[] = [];
  for (const [name, raw] of entries) {
    if (raw === null || raw === undefined || raw === false) continue;
    const value = oneLine(String(raw));
    if (value) out.push({ name, ns: CONTROLGATE_NS, value });
  }
  return out;
}

/** The object with its empty arrays and undefined values removed: OSCAL lists must have an item. */
export function compact<T extends Record<string, unknown>>(object: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out as T;
}

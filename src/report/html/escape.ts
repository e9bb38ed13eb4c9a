import { stripControlChars } from '../../text.ts';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Scanned code and PR authors write these strings: escaped for text and quoted attributes alike. */
export function esc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return stripControlChars(String(value)).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Data for the inline script: `<`, `>`, `&` and line separators escaped so it cannot end the element. */
export function jsonForScript(data: unknown): string {
  return JSON.stringify(data, (_key, value: unknown) =>
    typeof value === 'string' ? stripControlChars(value) : value,
  ).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Only web links may be clickable; `javascript:` and other schemes from SARIF are shown as text. */
export function safeHref(uri: string | null | undefined): string | null {
  if (!uri) return null;
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Milliseconds for people, the same bytes on every machine (no locale). */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A table in a box of its own, or a short sentence when there is nothing to list. */
export function table(head: string[], rows: string[][], empty: string, className = ''): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  // In its own scrolling box: a wide table scrolls there, never the page (phones, narrow windows).
  return `<div class="table-box"><table class="${esc(className)}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** `<code>` with escaped content, or a dash for a missing value. */
export function code(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === ''
    ? '<span class="none">—</span>'
    : `<code>${esc(value)}</code>`;
}

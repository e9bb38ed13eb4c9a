/**
 * Control characters (ANSI escapes, bidi overrides, zero-width marks) in scanned code or scanner
 * messages can disguise text in terminals and reports; they are removed before anything is shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Removes control and bidi characters; keeps tabs and newlines. */
export function stripControlChars(text: string): string {
  return text.replace(CONTROL, '');
}

/**
 * Control characters (ANSI escapes, bidi overrides, zero-width marks) in scanned code or scanner
 * messages can disguise text in terminals and reports; they are removed before anything is shown.
 * Besides C0/C1 controls: every Unicode bidi control (Trojan Source: U+061C, U+200E/F, U+202A–E,
 * U+2066–9), the invisible format characters (soft hyphen, zero-width marks, word joiner, invisible
 * operators, BOM, interlinear annotations) and the tag block, which can carry text no reader sees.
 */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/**
 * ANSI CSI sequences and terminated OSC sequences (titles, OSC 8 hyperlinks), so that no `[2J` is
 * left behind once the ESC goes. An OSC without its terminator only loses its ESC: removing up to
 * the end would hide the rest of a path or message.
 */
const ESCAPE_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point.
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u009b[0-?]*[ -/]*[@-~]/g;

/** Removes control, bidi and invisible format characters; keeps tabs and newlines. */
export function stripControlChars(text: string): string {
  return text.replace(CONTROL, '');
}

/** Removes ANSI CSI and terminated OSC sequences whole, so that no `[2J` is left behind. */
export function stripEscapeSequences(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '');
}

/**
 * Text from outside as one plain line: whitespace collapsed, control, bidi and invisible characters
 * removed. An escape sequence only loses its ESC, so what is left shows that something was there.
 */
export function flatLine(text: string): string {
  return stripControlChars(text)
    .replace(/[\s\u2028\u2029]+/g, ' ')
    .trim();
}

/**
 * GitHub's runner obeys `::command::` at the start of any line of a step's output (after spaces)
 * and the legacy `##[command]` anywhere in it. Output that quotes scanned text (a CLI run in a
 * workflow, the Action's log) must not forge annotations, masks or `stop-commands` that way.
 */
export function defuseWorkflowCommands(text: string): string {
  return text.replace(/^(\s*):(?=:)/gm, '$1: ').replace(/##\[/g, '## [');
}

import { flatLine, stripEscapeSequences } from '../../text.ts';

/** Zero-width joiner: invisible, but breaks `@name` mentions and `<tag` / `<!--` sequences. */
const ZWJ = '\u200d';

/** Removes terminal escapes and control/bidi characters and flattens all whitespace to single spaces. */
export function flatten(text: string): string {
  return flatLine(stripEscapeSequences(text));
}

/** One line of at most `max` characters, cut before escaping so no escape is ever split. */
export function clip(text: string, max: number): string {
  const flat = flatten(text);
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…` : flat;
}

/** Our marker's words with a joiner inside: text that merely quotes a marker is never found as one. */
function defuse(text: string): string {
  return text.replace(/controlgate:comment/gi, (m) => `${m.slice(0, 12)}${ZWJ}${m.slice(12)}`);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Makes text from scanned code or PR authors inert in GitHub-flavoured Markdown. */
export function escapeMarkdown(text: string): string {
  return (
    defuse(flatten(text))
      .replace(/[&<>]/g, (c) => ENTITIES[c] ?? c)
      // Every ASCII punctuation character that starts inline or table syntax; `\|` keeps table cells whole.
      .replace(/[\\`*_~[\]()!#|{}$^]/g, '\\$&')
      // Block syntax that only matters at the start: lists, headings made of `=`/`-`, ordered lists.
      .replace(/^([-+=])/, '\\$1')
      .replace(/^(\d+)([.)])/, '$1\\$2')
      // `@user` and `@org/team` must never notify anyone.
      .replace(/@/g, `@${ZWJ}`)
  );
}

/**
 * Inline code span that cannot be broken out of (backticks inside handled). It is meant for table
 * cells: `|` becomes `\|`, which GFM turns back into `|` inside a cell. `<` and `@` get an invisible
 * joiner, so the body never contains a literal tag, a mention or our hidden marker, even inside code.
 */
export function inlineCode(text: string): string {
  const content = defuse(flatten(text)).replace(/\|/g, '\\|').replace(/[<@]/g, `$&${ZWJ}`);
  if (content === '') return '` `';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** Only http(s) URLs, with every character that could end a Markdown link or a table cell encoded. */
export function safeUrl(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  let url: URL;
  try {
    url = new URL(flatten(uri));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.href.replace(
    /[()|\\\s<>"'`[\]]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** A repo-relative path as a URL path: each segment percent-encoded, including `(`, `)` and friends. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*~]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/**
 * Markdown we wrote ourselves (e.g. a details hint from the workflow) on one line, unable to open
 * or close an HTML comment, so it can never forge or end the hidden marker.
 */
export function trustedInline(text: string): string {
  return flatten(text).replace(/<!--/g, '&lt;!--').replace(/--!?>/g, '--&gt;');
}

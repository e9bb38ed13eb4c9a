import { describe, expect, it } from 'vitest';
import { commentMarker } from '../../../../src/report/markdown/comment.ts';
import { escapeMarkdown, inlineCode } from '../../../../src/report/markdown/escape.ts';

/** Cells of a GFM table row: cmark-gfm splits on every `|` not preceded by a backslash. */
function cells(row: string): number {
  return row.split(/(?<!\\)\|/).length - 2;
}

const HOSTILE = [
  '@octocat please look',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'click [here](javascript:alert(1))',
  '![x](https://evil.example/pixel.png)',
  '```\ncode fence\n```',
  '<!-- controlgate:comment key=default -->',
  'a | b | c',
  '\u001b[31mred\u001b[0m',
  'abc\u202eevil\u202c',
  '# heading\n> quote\n- item',
  '**bold** _em_ ~~strike~~',
  'trailing backslash \\',
  'escaped pipe \\| here',
];

describe('escapeMarkdown', () => {
  it('neutralizes mentions, HTML, links, images, fences, pipes and our marker', () => {
    const out = HOSTILE.map(escapeMarkdown);
    const joined = out.join('\n');
    expect(joined).not.toMatch(/@octocat/);
    expect(joined).not.toMatch(/<(img|script|!--)/);
    expect(joined).not.toContain('](');
    expect(joined).not.toContain('![');
    expect(joined).not.toContain('```');
    expect(joined).not.toContain('**');
    expect(joined).not.toContain('\u001b');
    expect(joined).not.toContain('\u202e');
    expect(joined).not.toContain('controlgate:comment key=default -->');
    for (const text of out) {
      expect(text).not.toContain('\n');
      expect(cells(`| ${text} | x |`)).toBe(2);
    }
  });

  it('escapes block syntax at the start, ampersands and every inline marker', () => {
    expect(escapeMarkdown('# title')).toBe('\\# title');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('1. first')).toBe('1\\. first');
    expect(escapeMarkdown('> quote')).toBe('&gt; quote');
    expect(escapeMarkdown('a & b')).toBe('a &amp; b');
    expect(escapeMarkdown('&lt;')).toBe('&amp;lt;');
    expect(escapeMarkdown('x*y_z~`')).toBe('x\\*y\\_z\\~\\`');
    expect(escapeMarkdown('a\\|b')).toBe('a\\\\\\|b');
  });

  it('removes whole ANSI sequences and bidi controls, and flattens whitespace', () => {
    expect(escapeMarkdown('\u001b[31mred\u001b[0m')).toBe('red');
    expect(escapeMarkdown('a\u202eb\u2066c')).toBe('abc');
    expect(escapeMarkdown(' one\r\ntwo\tthree\u2028four ')).toBe('one two three four');
  });

  it('keeps mentions unclickable with an invisible joiner', () => {
    expect(escapeMarkdown('@octocat')).toBe('@\u200doctocat');
    expect(escapeMarkdown('alice@example.com')).not.toContain('e@e');
  });
});

describe('inlineCode', () => {
  it('uses a fence longer than any backtick run and pads when the text touches a fence', () => {
    expect(inlineCode('abc')).toBe('`abc`');
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('```')).toBe('```` ``` ````');
    expect(inlineCode('`x')).toBe('`` `x ``');
    expect(inlineCode('x``')).toBe('``` x`` ```');
    expect(inlineCode('')).toBe('` `');
  });

  it('cannot break a table cell or span lines', () => {
    for (const text of ['a|b', 'a\\|b', '|', 'x\n|y\r\n', '`|`', 'a\\']) {
      const code = inlineCode(text);
      expect(code).not.toMatch(/[\r\n]/);
      expect(cells(`| ${code} | x |`)).toBe(2);
    }
    expect(inlineCode('a|b')).toBe('`a\\|b`');
  });

  it('never contains a literal tag or a copy of our marker', () => {
    const marker = commentMarker('default');
    expect(inlineCode(marker)).not.toContain(marker);
    expect(inlineCode('<script>')).not.toContain('<script>');
    expect(inlineCode('see controlgate:comment key=x')).not.toContain('controlgate:comment');
    expect(escapeMarkdown('see controlgate:comment key=x')).not.toContain('controlgate:comment');
    expect(inlineCode('\u001b[31mred')).toBe('`red`');
  });
});

describe('commentMarker', () => {
  it('is the documented string', () => {
    expect(commentMarker('default')).toBe('<!-- controlgate:comment key=default -->');
    expect(commentMarker('api/sast-1.2_x')).toBe('<!-- controlgate:comment key=api/sast-1.2_x -->');
  });

  it('sanitizes the key so it cannot close the comment', () => {
    const marker = commentMarker('x --> <b>hi</b> <!-- y');
    expect(marker).toMatch(/^<!-- controlgate:comment key=[A-Za-z0-9._/-]+ -->$/);
    expect(marker.match(/-->/g)).toHaveLength(1);
    expect(commentMarker('')).toBe('<!-- controlgate:comment key=default -->');
  });
});

/**
 * Renders a comment body as GitHub shows it, for the README's picture: the Markdown through `marked`
 * (GitHub-flavoured) inside GitHub's own stylesheet, screenshot in Chromium at 950 px, the width of a
 * pull request's conversation column.
 *
 *   node scripts/comment-image.ts <comment.md> <out.png>
 *
 * The same rendering as test/integration/comment-layout.test.ts; needs /usr/bin/chromium
 * (`npm run test:tools`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { chromium } from 'playwright-core';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/comment-image.ts <comment.md> <out.png>');
  process.exit(2);
}
const css = readFileSync(
  path.join(import.meta.dirname, '..', 'node_modules', 'github-markdown-css', 'github-markdown-light.css'),
  'utf8',
);
const html = marked.parse(readFileSync(input, 'utf8'), { gfm: true, async: false });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 950, height: 600 } });
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; } .markdown-body { box-sizing: border-box; width: 950px; padding: 16px; }
</style></head><body><article class="markdown-body">${html}</article></body></html>`,
  );
  await page.screenshot({ path: output, fullPage: true });
} finally {
  await browser.close();
}

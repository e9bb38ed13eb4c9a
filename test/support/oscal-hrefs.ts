import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every `href` value in a JSON document, with where it is. */
export function hrefsOf(doc: unknown, at = ''): { href: string; at: string }[] {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => hrefsOf(v, `${at}/${i}`));
  if (doc === null || typeof doc !== 'object') return [];
  return Object.entries(doc).flatMap(([k, v]) =>
    k === 'href' && typeof v === 'string' ? [{ href: v, at: `${at}/href` }] : hrefsOf(v, `${at}/${k}`),
  );
}

function pointerResolves(doc: unknown, pointer: string): boolean {
  let node: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * The hrefs of the OSCAL files in `oscalDir` that do not resolve inside `bundleRoot`: a relative
 * path must name a file of the bundle, and its fragment a JSON pointer into it (#/…) or a UUID that
 * occurs in it (#uuid). Absolute https links (the CI run) are outside the bundle by design and are
 * returned separately.
 */
export function unresolvedHrefs(
  bundleRoot: string,
  oscalDir: string,
  files: readonly string[],
): { broken: string[]; external: string[] } {
  const broken: string[] = [];
  const external: string[] = [];
  const cache = new Map<string, { text: string; json: unknown }>();
  const load = (file: string) => {
    let entry = cache.get(file);
    if (!entry) {
      const text = readFileSync(file, 'utf8');
      entry = { text, json: JSON.parse(text) };
      cache.set(file, entry);
    }
    return entry;
  };
  for (const name of files) {
    const from = path.join(oscalDir, name);
    for (const { href, at } of hrefsOf(load(from).json)) {
      if (/^https:\/\//.test(href)) {
        external.push(href);
        continue;
      }
      const [file = '', fragment] = href.split('#', 2) as [string, string | undefined];
      const target = file === '' ? from : path.resolve(path.dirname(from), decodeURIComponent(file));
      const inside = !path.relative(bundleRoot, target).startsWith('..') && existsSync(target);
      let ok = inside && !/^[a-z][a-z0-9+.-]*:/i.test(href);
      if (ok && fragment !== undefined) {
        const { text, json } = load(target);
        ok = fragment.startsWith('/')
          ? pointerResolves(json, decodeURIComponent(fragment))
          : fragment !== '' && text.includes(`"${fragment}"`);
      }
      if (!ok) broken.push(`${name}${at}: ${href}`);
    }
  }
  return { broken, external };
}

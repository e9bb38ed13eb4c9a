import type { Finding } from '../findings/finding.ts';
import { REDACTED, redactKnownSecrets, redactSecretFindingText, redactSnippet } from '../findings/redact.ts';
import type { SarifLogInput } from './model.ts';

/*
 * A tool's own SARIF is kept as evidence, so only the values that could be a secret are rewritten:
 * the text a scanner writes (messages, snippets, descriptions, property values, command lines).
 * What names, locates or identifies something is never rewritten, or the evidence no longer says
 * which rule fired where: rule ids (KICS's are UUIDs, which look like tokens), URIs and paths,
 * GUIDs, fingerprints and hashes, indexes, levels and kinds, and every key of every object.
 */

type Redactor = (text: string) => string;

interface Changes {
  count: number;
}

/** Keys whose string value is a name, a location or an identifier: never a matched value. */
const IDENTIFIER_KEYS = new Set([
  '$schema',
  'ruleId',
  'id',
  'guid',
  'correlationGuid',
  'uri',
  'uriBaseId',
  'kind',
  'level',
  'baselineState',
  'mimeType',
  'encoding',
  'sourceLanguage',
  'language',
  'version',
  'semanticVersion',
  'dottedQuadFileVersion',
  'organization',
  'product',
  'productSuite',
  'informationUri',
  'downloadUri',
  'helpUri',
  'hostedViewerUri',
  'name',
  'fullyQualifiedName',
  'decoratedName',
]);

/** Keys whose whole value is identifiers or digests: the keys of these maps are names too. */
const IDENTIFIER_MAPS = new Set(['fingerprints', 'partialFingerprints', 'hashes', 'originalUriBaseIds']);

/** Keys whose value is code quoted from the scanned files: a region's snippet, an artifact's contents. */
const CODE_KEYS = new Set(['snippet', 'contents']);

/**
 * Applies `redact` to the strings under `value` that a scanner writes as text, in place; keys,
 * identifiers, locations and digests are left as they are. `code` is used for quoted code.
 */
function redactText(value: unknown, redact: Redactor, code: Redactor, changes: Changes): unknown {
  if (typeof value === 'string') {
    const redacted = redact(value);
    if (redacted !== value) changes.count += 1;
    return redacted;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = redactText(value[i], redact, code, changes);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) {
      if (IDENTIFIER_MAPS.has(key)) continue;
      if (IDENTIFIER_KEYS.has(key) && typeof child === 'string') continue;
      // Below a snippet is quoted code; anywhere else a string is the scanner's own text.
      const here = CODE_KEYS.has(key) ? code : redact;
      record[key] = redactText(child, here, code, changes);
    }
  }
  return value;
}

/**
 * Replaces the text of every `snippet` under a value (regions, context regions, code flows). A
 * secret scanner's snippet is often the bare value (Gitleaks), which no pattern can recognise.
 */
function maskSnippets(value: unknown, changes: Changes): void {
  if (Array.isArray(value)) {
    for (const item of value) maskSnippets(item, changes);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(record)) {
    const snippet = child as { text?: unknown } | null;
    if (key === 'snippet' && snippet && typeof snippet === 'object' && typeof snippet.text === 'string') {
      if (snippet.text !== REDACTED) {
        snippet.text = REDACTED;
        changes.count += 1;
      }
    } else maskSnippets(child, changes);
  }
}

/**
 * Redacts a tool's own SARIF before it is kept anywhere. In the results that are about a secret,
 * every quoted literal and token-like run of their text, and every snippet, is masked (Bandit puts
 * the value in its message and snippets, Gitleaks makes the bare value the snippet); in the other
 * results, known credential shapes in their text and, in their snippets, runs that look like random
 * key material; outside the results, known shapes. Identifiers and locations are never rewritten.
 * `findings` are this log's normalized findings, in result order per run.
 */
export function redactRawSarif(log: SarifLogInput, findings: readonly Finding[]): number {
  const changes: Changes = { count: 0 };
  let offset = 0;
  for (const run of log.runs) {
    const results = run.results ?? [];
    results.forEach((result, i) => {
      // The finding already judged it, by CWE, tags or (secret scanners give no CWE) its words. A
      // result without its finding is treated as a secret: masking too much is the safe mistake.
      if (findings[offset + i]?.secret !== false) {
        redactText(result, redactSecretFindingText, redactSecretFindingText, changes);
        maskSnippets(result, changes);
      } else redactText(result, redactKnownSecrets, redactSnippet, changes);
    });
    offset += results.length;
    // Rules, taxonomies and invocations can quote code too (e.g. command lines with tokens).
    const { results: _results, ...rest } = run;
    redactText(rest, redactKnownSecrets, redactSnippet, changes);
  }
  return changes.count;
}

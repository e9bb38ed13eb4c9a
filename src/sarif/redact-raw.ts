import type { Finding } from '../findings/finding.ts';
import { REDACTED, redactKnownSecrets, redactSecretFindingText } from '../findings/redact.ts';
import type { SarifLogInput } from './model.ts';

type Redactor = (text: string) => string;

/** Applies `redact` to every string inside a JSON value, in place (keys are left alone); counts changes. */
function redactStrings(value: unknown, redact: Redactor, changes: { count: number }): unknown {
  if (typeof value === 'string') {
    const redacted = redact(value);
    if (redacted !== value) changes.count += 1;
    return redacted;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = redactStrings(value[i], redact, changes);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = redactStrings(record[key], redact, changes);
  }
  return value;
}

/**
 * Replaces the text of every `snippet` under a value (regions, context regions, code flows). A
 * secret scanner's snippet is often the bare value (Gitleaks), which no pattern can recognise.
 */
function maskSnippets(value: unknown, changes: { count: number }): void {
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
 * Redacts a tool's own SARIF before it is kept anywhere: known credential shapes everywhere; in the
 * results that are about a secret, every quoted literal and every snippet (Bandit puts the value in
 * its message and snippets, Gitleaks makes the bare value the snippet). `findings` are this log's
 * normalized findings, in result order per run.
 */
export function redactRawSarif(log: SarifLogInput, findings: readonly Finding[]): number {
  const changes = { count: 0 };
  let offset = 0;
  for (const run of log.runs) {
    const results = run.results ?? [];
    results.forEach((result, i) => {
      // The finding already judged it, by CWE, tags or (secret scanners give no CWE) its words. A
      // result without its finding is treated as a secret: masking too much is the safe mistake.
      if (findings[offset + i]?.secret !== false) {
        redactStrings(result, redactSecretFindingText, changes);
        maskSnippets(result, changes);
      } else redactStrings(result, redactKnownSecrets, changes);
    });
    offset += results.length;
    // Rules, taxonomies and invocations can quote code too (e.g. command lines with tokens).
    const { results: _results, ...rest } = run;
    redactStrings(rest, redactKnownSecrets, changes);
  }
  return changes.count;
}

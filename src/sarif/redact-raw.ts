import type { Finding } from '../findings/finding.ts';
import { redactKnownSecrets, redactSecretFindingText } from '../findings/redact.ts';
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
 * Redacts a tool's own SARIF before it is kept anywhere: known credential shapes everywhere, and
 * every quoted literal in the results that are about a secret (Bandit puts the value in its message
 * and in snippets). `findings` are this log's normalized findings, in result order per run.
 */
export function redactRawSarif(log: SarifLogInput, findings: readonly Finding[]): number {
  const changes = { count: 0 };
  let offset = 0;
  for (const run of log.runs) {
    const results = run.results ?? [];
    results.forEach((result, i) => {
      const finding = findings[offset + i];
      redactStrings(result, finding?.secret ? redactSecretFindingText : redactKnownSecrets, changes);
    });
    offset += results.length;
    // Rules, taxonomies and invocations can quote code too (e.g. command lines with tokens).
    const { results: _results, ...rest } = run;
    redactStrings(rest, redactKnownSecrets, changes);
  }
  return changes.count;
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const RULES = fileURLToPath(new URL('../../../../scanners/semgrep/rules/', import.meta.url));

/** Every rule YAML of the built-in pack, relative to the rules folder. */
function ruleFiles(): string[] {
  return readdirSync(RULES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/** Where each rule id is defined: one entry per YAML rule, so a duplicate shows up twice. */
function definitions(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const file of ruleFiles()) {
    const doc = parse(readFileSync(path.join(RULES, file), 'utf8')) as { rules?: { id?: unknown }[] } | null;
    for (const [i, rule] of (doc?.rules ?? []).entries()) {
      const id = typeof rule.id === 'string' ? rule.id : `<rule ${i} without an id>`;
      where.set(id, [...(where.get(id) ?? []), file]);
    }
  }
  return where;
}

describe('built-in Semgrep rule pack', () => {
  it('finds the rule files', () => {
    expect(ruleFiles().length).toBeGreaterThan(10);
  });

  it('defines each rule id once (a shared id makes --baseline-commit report old findings as new)', () => {
    const duplicates = [...definitions()]
      .filter(([, files]) => files.length > 1)
      .map(([id, files]) => `${id} is defined in ${files.join(' and ')}`);
    expect(duplicates).toEqual([]);
  });

  it('keeps one rule id per file, named after the file', () => {
    const mismatched = [...definitions()]
      .filter(([id, files]) => !files.every((f) => id.endsWith(`.${path.posix.basename(f, '.yaml')}`)))
      .map(([id, files]) => `${id} in ${files.join(', ')}`);
    expect(mismatched).toEqual([]);
  });
});

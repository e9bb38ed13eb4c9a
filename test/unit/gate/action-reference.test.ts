import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ACTION_TABLE_END,
  ACTION_TABLE_START,
  renderActionReference,
  withActionReference,
} from '../../../src/gate/action-reference.ts';
import { REPO_ROOT } from '../../support/cli.ts';

const actionYaml = readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8');

describe('renderActionReference', () => {
  it('lists every input of action.yml with its default, and every output', () => {
    const action = parse(actionYaml) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    const table = renderActionReference(actionYaml);
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(table).toContain(`| \`${name}\` |`);
    }
    expect(table).toContain('| `base` | `auto` |');
    expect(table).toContain('| `baseline` |  |');
  });

  it('keeps a description on one table row: line breaks folded, | escaped', () => {
    const table = renderActionReference(
      'inputs:\n  x:\n    description: "a | b\\nc"\n    default: y\noutputs:\n  o:\n    description: z\n',
    );
    expect(table.split('\n')).toContain('| `x` | `y` | a \\| b c |');
  });
});

describe('withActionReference', () => {
  it('replaces what is between the markers, and only that', () => {
    const readme = `before\n${ACTION_TABLE_START}\nold table\n${ACTION_TABLE_END}\nafter\n`;
    const out = withActionReference(readme, actionYaml);
    expect(out.startsWith(`before\n${ACTION_TABLE_START}\n| input |`)).toBe(true);
    expect(out.endsWith(`\n${ACTION_TABLE_END}\nafter\n`)).toBe(true);
    expect(out).not.toContain('old table');
    expect(withActionReference(out, actionYaml)).toBe(out);
  });

  it('refuses a README without the markers, naming them', () => {
    expect(() => withActionReference('no markers here', actionYaml)).toThrow(/README\.md: the markers/);
  });

  it('is what the README holds: the table is fresh', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(withActionReference(readme, actionYaml)).toBe(readme);
  });
});

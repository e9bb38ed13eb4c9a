import { parse } from 'yaml';

/*
 * The README's table of the Action's inputs and outputs, made from action.yml so that the two cannot
 * drift (an input added to one and not the other went unlisted before). `npm run generate` writes it
 * between its markers in README.md; CI fails when it is stale.
 */

export const ACTION_TABLE_START =
  '<!-- action-reference:start (generated from action.yml by npm run generate) -->';
export const ACTION_TABLE_END = '<!-- action-reference:end -->';

interface ActionField {
  description?: unknown;
  default?: unknown;
}

/** One line of Markdown table text: no line breaks, `|` escaped. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

function fields(value: unknown, where: string): [string, ActionField][] {
  if (typeof value !== 'object' || value === null) throw new Error(`action.yml: ${where} is not a mapping`);
  return Object.entries(value as Record<string, ActionField>);
}

/** The inputs table and the outputs table, from action.yml's text. */
export function renderActionReference(actionYaml: string): string {
  const action = parse(actionYaml) as { inputs?: unknown; outputs?: unknown };
  const inputs = fields(action.inputs, 'inputs').map(([name, f]) => {
    const fallback = f.default === undefined || f.default === '' ? '' : `\`${cell(String(f.default))}\``;
    return `| \`${name}\` | ${fallback} | ${cell(String(f.description ?? ''))} |`;
  });
  const outputs = fields(action.outputs, 'outputs').map(
    ([name, f]) => `| \`${name}\` | ${cell(String(f.description ?? ''))} |`,
  );
  return [
    '| input | default | meaning |',
    '|---|---|---|',
    ...inputs,
    '',
    '| output | meaning |',
    '|---|---|',
    ...outputs,
  ].join('\n');
}

/** `readme` with the text between the markers replaced by the tables; an error when a marker is missing. */
export function withActionReference(readme: string, actionYaml: string): string {
  const start = readme.indexOf(ACTION_TABLE_START);
  const end = readme.indexOf(ACTION_TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`README.md: the markers ${ACTION_TABLE_START} … ${ACTION_TABLE_END} are missing`);
  return `${readme.slice(0, start + ACTION_TABLE_START.length)}\n${renderActionReference(actionYaml)}\n${readme.slice(end)}`;
}

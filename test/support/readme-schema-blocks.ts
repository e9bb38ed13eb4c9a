/*
 * README examples that the schema test validates: a fenced yaml block directly after a marker line
 * `<!-- schema: <kind> -->`. Marking blocks (rather than guessing from their content) keeps snippets
 * that are deliberately partial, like `.controlgate.yml` excerpts, out of it, and makes a marked
 * block that stops parsing a failure instead of a silent skip.
 */

/** What a marked block is checked as. */
export const SCHEMA_KINDS = {
  /** A whole workflow file. */
  'github-workflow': 'github-workflows',
  /** The keys of one job (permissions, steps, …): validated inside a minimal workflow. */
  'github-workflow-job': 'github-workflows',
  /** A whole .gitlab-ci.yml. */
  'gitlab-ci': 'gitlab-ci',
} as const;

export type SchemaKind = keyof typeof SCHEMA_KINDS;

export interface MarkedBlock {
  kind: SchemaKind;
  /** 1-based line of the opening fence. */
  line: number;
  text: string;
}

const MARKER = /^<!--\s*schema:\s*(\S+)\s*-->\s*$/;

/** Every marked block of a Markdown text; a marker not followed by a yaml fence is an error. */
export function markedBlocks(markdown: string, file: string): MarkedBlock[] {
  const lines = markdown.split('\n');
  const blocks: MarkedBlock[] = [];
  lines.forEach((line, index) => {
    const kind = MARKER.exec(line)?.[1];
    if (kind === undefined) return;
    const where = `${file}:${index + 1}`;
    if (!(kind in SCHEMA_KINDS)) {
      throw new Error(
        `${where}: unknown schema kind "${kind}" (known: ${Object.keys(SCHEMA_KINDS).join(', ')})`,
      );
    }
    const fence = lines[index + 1] ?? '';
    if (!/^```ya?ml\s*$/.test(fence)) {
      throw new Error(
        `${where}: a schema marker must be directly followed by a \`\`\`yaml fence, not "${fence}"`,
      );
    }
    const end = lines.findIndex((l, i) => i > index + 1 && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${where}: the yaml block after the marker is never closed`);
    blocks.push({ kind: kind as SchemaKind, line: index + 2, text: lines.slice(index + 2, end).join('\n') });
  });
  return blocks;
}

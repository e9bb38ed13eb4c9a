import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FixArtifactLocation, fixOf } from '../../../src/sarif/fixes.ts';
import type { SarifResult, SarifRun } from '../../../src/sarif/model.ts';
import { normalizeRun } from '../../../src/sarif/normalize.ts';
import { SourceReader } from '../../../src/sarif/source-reader.ts';

const region = { startLine: 2, startColumn: 5, endLine: 2, endColumn: 16 };
const own = (location: FixArtifactLocation) => location.uri === 'app.py';

function sarifFix(
  text: unknown = 'hashlib.sha256(x)',
  deletedRegion: unknown = region,
  uri = 'app.py',
  extra: Record<string, unknown> = {},
) {
  return {
    description: { text: 'Use SHA-256' },
    artifactChanges: [
      { artifactLocation: { uri }, replacements: [{ deletedRegion, insertedContent: { text } }] },
    ],
    ...extra,
  };
}

describe('fixOf: which SARIF fixes become a finding fix', () => {
  it('keeps one replacement with line and column bounds in the own file', () => {
    expect(fixOf([sarifFix()], own)).toEqual({
      ...region,
      text: 'hashlib.sha256(x)',
      description: 'Use SHA-256',
    });
  });

  it('reads a replacement without insertedContent as a deletion', () => {
    const fix = {
      artifactChanges: [{ artifactLocation: { uri: 'app.py' }, replacements: [{ deletedRegion: region }] }],
    };
    expect(fixOf([fix], own)).toEqual({ ...region, text: '' });
  });

  it('ignores fixes for another file, with several changes or replacements, or without bounds', () => {
    const two = sarifFix();
    two.artifactChanges.push(...sarifFix().artifactChanges);
    const twoReplacements = sarifFix();
    const change = twoReplacements.artifactChanges[0];
    change?.replacements.push(...(change?.replacements ?? []));
    for (const fixes of [
      [sarifFix('x', region, 'other.py')],
      [two],
      [twoReplacements],
      [sarifFix('x', { startLine: 2, endLine: 2 })],
      [sarifFix('x', { startLine: 2, startColumn: 1, endColumn: 3 })],
      [sarifFix('x', { charOffset: 10, charLength: 4 })],
      [sarifFix('x', { startLine: 3, startColumn: 1, endLine: 2, endColumn: 3 })],
      [sarifFix('x', { startLine: 2, startColumn: 5, endLine: 2, endColumn: 4 })],
      [sarifFix('x', { startLine: 0, startColumn: 1, endLine: 2, endColumn: 4 })],
      [sarifFix('x', { startLine: 1.5, startColumn: 1, endLine: 2, endColumn: 4 })],
      [sarifFix({ binary: 'aGk=' })],
      [{ artifactChanges: 'nope' }],
      [null],
      [],
      'not an array',
      undefined,
    ]) {
      expect(fixOf(fixes, own)).toBeUndefined();
    }
  });

  it('takes the first fix that qualifies', () => {
    expect(fixOf([sarifFix('a', region, 'other.py'), sarifFix('b'), sarifFix('c')], own)?.text).toBe('b');
  });

  it('drops a fix whose text redaction or control-character removal would change', () => {
    expect(fixOf([sarifFix('password = "hunter2hunter2"')], own)).toBeUndefined();
    expect(fixOf([sarifFix('token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"')], own)).toBeUndefined();
    expect(fixOf([sarifFix('x = 1\u202e')], own)).toBeUndefined();
    expect(fixOf([sarifFix('verify=True\n    timeout=5')], own)?.text).toBe('verify=True\n    timeout=5');
  });

  it('leaves the description out when empty and redacts one that quotes a secret', () => {
    expect(fixOf([sarifFix('x', region, 'app.py', { description: { text: ' ' } })], own)).not.toHaveProperty(
      'description',
    );
    const described = sarifFix('x', region, 'app.py', {
      description: { text: 'replace password = "hunter2hunter2"' },
    });
    expect(fixOf([described], own)?.description).toBe('replace password = "[REDACTED]"');
  });
});

describe('normalizeRun reads SARIF fixes', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'controlgate-fixes-'));
    await writeFile(path.join(root, 'app.py'), 'import hashlib\nh = hashlib.md5(x)\n');
  });

  function findingOf(result: Partial<SarifResult>, extra: Partial<SarifRun> = {}, ruleTags: string[] = []) {
    const run: SarifRun = {
      tool: { driver: { name: 'tool', rules: [{ id: 'R1', properties: { tags: ruleTags } }] } },
      results: [
        {
          ruleId: 'R1',
          message: { text: 'weak hash' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'app.py' }, region } }],
          ...result,
        },
      ],
      ...extra,
    };
    const [finding] = normalizeRun(run, {
      scannerId: 't',
      scannerVersion: '1',
      root,
      baseDir: root,
      sources: new SourceReader(root),
    });
    return finding;
  }

  it('gives the finding the fix of its own file, however the fix names the file', () => {
    expect(findingOf({ fixes: [sarifFix()] })?.fix).toEqual({
      ...region,
      text: 'hashlib.sha256(x)',
      description: 'Use SHA-256',
    });
    const absolute = sarifFix('hashlib.sha256(x)', region, pathToFileURL(path.join(root, 'app.py')).href);
    expect(findingOf({ fixes: [absolute] })?.fix?.text).toBe('hashlib.sha256(x)');
    const byIndex = sarifFix();
    (byIndex.artifactChanges[0] as { artifactLocation: unknown }).artifactLocation = { index: 0 };
    expect(findingOf({ fixes: [byIndex] }, { artifacts: [{ location: { uri: 'app.py' } }] })?.fix?.text).toBe(
      'hashlib.sha256(x)',
    );
  });

  it('has no fix when there is none, it names another file, or the finding is outside the workspace', () => {
    expect(findingOf({})).not.toHaveProperty('fix');
    expect(findingOf({ fixes: [sarifFix('x', region, 'lib.py')] })).not.toHaveProperty('fix');
    expect(
      findingOf({
        locations: [{ physicalLocation: { artifactLocation: { uri: '../outside.py' }, region } }],
        fixes: [sarifFix('x', region, '../outside.py')],
      }),
    ).not.toHaveProperty('fix');
  });

  it('never keeps a fix for a secret finding', () => {
    const finding = findingOf({ fixes: [sarifFix('os.environ["KEY"]')] }, {}, ['secrets']);
    expect(finding?.secret).toBe(true);
    expect(finding).not.toHaveProperty('fix');
  });

  it('keeps the finding when its fixes are malformed', () => {
    const finding = findingOf({ fixes: 'garbage' } as Partial<SarifResult>);
    expect(finding?.message).toBe('weak hash');
    expect(finding).not.toHaveProperty('fix');
  });
});

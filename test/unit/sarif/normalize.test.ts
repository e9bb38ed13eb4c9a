import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SarifResult, SarifRun } from '../../../src/sarif/model.ts';
import { IDENTITY_FINGERPRINT, normalizeRun } from '../../../src/sarif/normalize.ts';
import { SourceReader } from '../../../src/sarif/source-reader.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'controlgate-normalize-'));
  await writeFile(path.join(root, 'app.py'), 'a = 1\n\n\nquery = "SELECT " + user\nb = 2\n');
});

function run(results: SarifResult[], extra: Partial<SarifRun> = {}): SarifRun {
  return {
    tool: {
      driver: {
        name: 'tool',
        rules: [{ id: 'R1', name: 'rule-one', properties: { tags: ['CWE-89: SQL injection'] } }],
      },
    },
    results,
    ...extra,
  };
}

function normalize(r: SarifRun) {
  return normalizeRun(r, {
    scannerId: 't',
    scannerVersion: '1.0.0',
    root,
    baseDir: root,
    sources: new SourceReader(root),
  });
}

const at = (uri: string, startLine = 4, uriBaseId?: string): SarifResult => ({
  ruleId: 'R1',
  message: { text: 'problem' },
  locations: [
    {
      physicalLocation: {
        artifactLocation: { uri, ...(uriBaseId ? { uriBaseId } : {}) },
        region: { startLine },
      },
    },
  ],
});

describe('normalizeRun locations', () => {
  it('reads the matched code from disk for the snippet', () => {
    const [f] = normalize(run([at('app.py')]));
    expect(f?.path).toBe('app.py');
    expect(f?.snippet).toBe('query = "SELECT " + user');
    expect(f?.cwe).toEqual(['CWE-89']);
    expect(f?.ruleName).toBe('rule-one');
  });

  it('keeps the fingerprint when the code moves down the file or is re-indented', async () => {
    const [before] = normalize(run([at('app.py', 4)]));
    await writeFile(
      path.join(root, 'app.py'),
      `${'\n'.repeat(50)}a = 1\n\n\n    query  =  "SELECT "  +  user\nb = 2\n`,
    );
    const [after] = normalize(run([at('app.py', 54)]));
    expect(after?.line).toBe(54);
    expect(after?.fingerprint).toBe(before?.fingerprint);
    await writeFile(path.join(root, 'app.py'), 'a = 1\n\n\nquery = "SELECT " + user\nb = 2\n');
  });

  it('never leaves the workspace: ../ paths and absolute paths outside are flagged and not read', () => {
    const findings = normalize(
      run([at('../../etc/passwd', 1), at('file:///etc/passwd', 1), at('/etc/shadow', 1)]),
    );
    for (const f of findings) {
      expect(f.inWorkspace).toBe(false);
      expect(f.snippet).toBeUndefined();
    }
    expect(findings.map((f) => f.path)).toEqual(['../../etc/passwd', 'file:///etc/passwd', '/etc/shadow']);
  });

  it('resolves uriBaseId through originalUriBaseIds and artifact indexes', () => {
    const base = { SRC: { uri: `${pathToFileURL(root).href}/` } };
    const indexed: SarifResult = {
      ruleId: 'R1',
      message: { text: 'x' },
      locations: [{ physicalLocation: { artifactLocation: { index: 0 }, region: { startLine: 1 } } }],
    };
    const findings = normalize(
      run([at('app.py', 1, 'SRC'), indexed], {
        originalUriBaseIds: base,
        artifacts: [{ location: { uri: 'app.py' } }],
      }),
    );
    expect(findings.map((f) => [f.path, f.inWorkspace])).toEqual([
      ['app.py', true],
      ['app.py', true],
    ]);
  });

  it('percent-decodes URIs', async () => {
    await writeFile(path.join(root, 'my file.py'), 'x = 1\n');
    const [f] = normalize(run([at('my%20file.py', 1)]));
    expect(f?.path).toBe('my file.py');
    expect(f?.snippet).toBe('x = 1');
  });
});

describe('normalizeRun messages and rules', () => {
  it('fills messages from messageStrings with arguments', () => {
    const r = run([{ ruleId: 'R2', message: { id: 'm', arguments: ['eval'] } }]);
    r.tool.driver.rules = [{ id: 'R2', messageStrings: { m: { text: 'call to {0} is unsafe' } } }];
    expect(normalize(r)[0]?.message).toBe('call to eval is unsafe');
  });

  it('strips control and bidi characters from messages', () => {
    const [f] = normalize(run([{ ruleId: 'R1', message: { text: 'safe\u202e\u001b[31mtext' } }]));
    expect(f?.message).toBe('safe[31mtext');
  });

  it('keeps SARIF suppressions, with rejected ones not counting as suppressed', () => {
    const findings = normalize(
      run([
        { ...at('app.py'), suppressions: [{ kind: 'external', status: 'accepted', justification: 'ok' }] },
        { ...at('app.py', 5), suppressions: [{ kind: 'external', status: 'rejected' }] },
      ]),
    );
    expect(findings.map((f) => f.suppressed)).toEqual([true, false]);
  });

  it('gives results without a location an empty path and line 0 rather than dropping them', () => {
    const [f] = normalize(run([{ ruleId: 'R1', message: { text: 'project-wide' } }]));
    expect(f).toMatchObject({ path: '', line: 0, inWorkspace: false });
  });
});

describe('normalizeRun: what a plugin says beside the result', () => {
  it('fingerprints by the identity in partialFingerprints instead of the code', () => {
    const withIdentity = (line: number, identity: string): SarifResult => ({
      ...at('app.py', line),
      partialFingerprints: { [IDENTITY_FINGERPRINT]: identity },
    });
    const [a] = normalize(run([withIdentity(4, 'npm/lodash/GHSA-1')]));
    const [b] = normalize(run([withIdentity(1, 'npm/lodash/GHSA-1')]));
    const [c] = normalize(run([withIdentity(4, 'npm/lodash/GHSA-2')]));
    const [plain] = normalize(run([at('app.py', 4)]));
    expect(a?.fingerprint).toBe(b?.fingerprint);
    expect(a?.fingerprint).not.toBe(c?.fingerprint);
    expect(a?.fingerprint).not.toBe(plain?.fingerprint);
  });

  it('keeps the file of an in-source suppression written in another workspace file, and no file otherwise', () => {
    const suppressed = (uri: string): SarifResult => ({
      ...at('app.py', 4),
      suppressions: [
        {
          kind: 'inSource',
          justification: '.gitleaksignore: app.py:R1:4',
          location: { physicalLocation: { artifactLocation: { uri }, region: { startLine: 2 } } },
        },
      ],
    });
    expect(normalize(run([suppressed('.gitleaksignore')]))[0]?.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: '.gitleaksignore: app.py:R1:4',
        line: 2,
        file: '.gitleaksignore',
      },
    ]);
    expect(normalize(run([suppressed('app.py')]))[0]?.suppressions[0]).not.toHaveProperty('file');
    // A file outside the workspace is never named.
    expect(
      normalize(run([suppressed('../elsewhere/.gitleaksignore')]))[0]?.suppressions[0],
    ).not.toHaveProperty('file');
  });
});

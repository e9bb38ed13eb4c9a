import { describe, expect, it } from 'vitest';
import { BUILTIN_SCANNERS } from '../../../scanners/index.ts';
import type { Finding } from '../../../src/findings/finding.ts';
import { REDACTED } from '../../../src/findings/redact.ts';
import type { SarifLogInput } from '../../../src/sarif/model.ts';
import { normalizeRun } from '../../../src/sarif/normalize.ts';
import { redactRawSarif } from '../../../src/sarif/redact-raw.ts';
import { SourceReader } from '../../../src/sarif/source-reader.ts';
import { REPO_ROOT } from '../../support/cli.ts';
import { loadFixture } from '../../support/fixtures.ts';

// Test values only: shaped like the real thing so the patterns fire, never issued by anyone.
const KICS_RULE = '487f4be7-3fd9-4506-a07a-eae252180c08';
const STRIPE = 'sk_test_FAKE0ONLY0FOR0UNIT0TESTS0x';
const RANDOM_TOKEN = 'Qm9v7TzXr2LpK8wYc3NdJ5sHfA1gEuB6';

function log(results: unknown[], extra: Record<string, unknown> = {}): SarifLogInput {
  return {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'KICS', rules: [{ id: KICS_RULE, name: 'Passwords And Secrets' }] } },
        results,
        ...extra,
      },
    ],
  } as SarifLogInput;
}

/** Only `secret` matters to the redaction: the rest of a finding is not read. */
function verdicts(...secret: boolean[]): Finding[] {
  return secret.map((s) => ({ secret: s }) as Finding);
}

interface KicsLikeResult {
  ruleId: string;
  guid: string;
  message: { text: string };
  locations: unknown[];
  fingerprints: Record<string, string>;
  partialFingerprints: Record<string, string>;
  properties: Record<string, string>;
  [key: string]: unknown;
}

function kicsSecretResult(): KicsLikeResult {
  return {
    ruleId: KICS_RULE,
    ruleIndex: 0,
    kind: 'fail',
    message: { text: `Hardcoded secret key 'Zx9-${RANDOM_TOKEN}' in api_key` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: 'A9/api.py', uriBaseId: '%SRCROOT%' },
          region: { startLine: 7, snippet: { text: `api_key = "${RANDOM_TOKEN}"` } },
        },
      },
    ],
    fingerprints: { 'sha256/v1': 'a3f1c9e2b7d4a6c8e0f2b4d6a8c0e2f4b6d8a0c2e4f6a8b0c2d4e6f8a0b2c4d6' },
    partialFingerprints: { primaryLocationLineHash: 'Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9b:1' },
    guid: 'c8a6b9d2-1e4f-4a7b-9c3d-5e6f7a8b9c0d',
    properties: { searchKey: 'resource.aws_instance[web]', matchedValue: RANDOM_TOKEN },
  };
}

describe('redactRawSarif: secret values only', () => {
  it('keeps a KICS rule id (a UUID), the path, fingerprints and GUIDs of a secret result', () => {
    const sarif = log([kicsSecretResult()]);
    redactRawSarif(sarif, verdicts(true));
    const result = sarif.runs[0]?.results?.[0] as KicsLikeResult;
    expect(result.ruleId).toBe(KICS_RULE);
    expect(result.guid).toBe('c8a6b9d2-1e4f-4a7b-9c3d-5e6f7a8b9c0d');
    expect(result.fingerprints).toEqual(kicsSecretResult().fingerprints);
    expect(result.partialFingerprints).toEqual(kicsSecretResult().partialFingerprints);
    expect(result.locations).toMatchObject([
      { physicalLocation: { artifactLocation: { uri: 'A9/api.py', uriBaseId: '%SRCROOT%' } } },
    ]);
    expect(sarif.runs[0]?.tool.driver.rules?.[0]?.id).toBe(KICS_RULE);
  });

  it('masks the value in the message, the snippet and a property of a secret result, and keeps property keys', () => {
    const sarif = log([kicsSecretResult()]);
    redactRawSarif(sarif, verdicts(true));
    const text = JSON.stringify(sarif);
    expect(text).not.toContain(RANDOM_TOKEN);
    const result = sarif.runs[0]?.results?.[0] as KicsLikeResult;
    expect(result.message).toEqual({ text: `Hardcoded secret key '${REDACTED}' in api_key` });
    expect(JSON.stringify(result.locations)).toContain(`"snippet":{"text":"${REDACTED}"}`);
    expect(Object.keys(result.properties)).toEqual(['searchKey', 'matchedValue']);
    expect(result.properties).toMatchObject({ matchedValue: REDACTED });
  });

  it('a result without its finding is masked as a secret, identifiers still kept', () => {
    const sarif = log([kicsSecretResult()]);
    redactRawSarif(sarif, []);
    expect(JSON.stringify(sarif)).not.toContain(RANDOM_TOKEN);
    expect(sarif.runs[0]?.results?.[0]?.ruleId).toBe(KICS_RULE);
  });

  it('in a result that is not about a secret: known shapes in text, random tokens in snippets only', () => {
    const sarif = log([
      {
        ruleId: 'B602',
        message: { text: `subprocess call with shell=True; id ${RANDOM_TOKEN}, key ${STRIPE}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'app/notify.py' },
              region: {
                startLine: 3,
                snippet: { text: `subprocess.call("notify --with ${RANDOM_TOKEN}", shell=True)` },
              },
            },
          },
        ],
      },
    ]);
    expect(redactRawSarif(sarif, verdicts(false))).toBe(2);
    const result = sarif.runs[0]?.results?.[0];
    // A message is the scanner's prose: only known shapes, so an id in it is not taken for a key.
    expect(result?.message.text).toBe(`subprocess call with shell=True; id ${RANDOM_TOKEN}, key ${REDACTED}`);
    expect(result?.locations?.[0]?.physicalLocation?.region?.snippet?.text).toBe(
      `subprocess.call("notify --with ${REDACTED}", shell=True)`,
    );
  });

  it("outside the results: known shapes in a command line, random tokens in an artifact's contents, URIs kept", () => {
    const sarif = log([], {
      invocations: [{ commandLine: `scan --token ${STRIPE}`, executionSuccessful: true }],
      originalUriBaseIds: { SRCROOT: { uri: `file:///work/${RANDOM_TOKEN}/` } },
      artifacts: [{ location: { uri: 'app/notify.py' }, contents: { text: `dispatch("${RANDOM_TOKEN}")` } }],
    });
    redactRawSarif(sarif, []);
    const text = JSON.stringify(sarif);
    expect(text).not.toContain(STRIPE);
    expect(text).toContain(`file:///work/${RANDOM_TOKEN}/`);
    // An artifact's contents are the scanned file itself: code, judged as a snippet is.
    expect(text).toContain(`"contents":{"text":"dispatch(\\"${REDACTED}\\")"}`);
  });
});

async function findingsOf(tool: string, sarif: SarifLogInput): Promise<Finding[]> {
  const fixture = loadFixture(tool);
  const scanner = BUILTIN_SCANNERS.get(tool);
  const extraRuleProperties = await scanner?.ruleProperties?.(fixture.dir);
  return sarif.runs.flatMap((run) =>
    normalizeRun(run, {
      scannerId: tool,
      scannerVersion: fixture.recording.version,
      root: REPO_ROOT,
      baseDir: fixture.toolCwd,
      sources: new SourceReader(REPO_ROOT),
      inSourceSuppression: scanner?.inSourceSuppression,
      extraRuleProperties,
    }),
  );
}

/** Every string leaf of a JSON value with its path, array indexes as `[]`. */
function leaves(value: unknown, at = '$', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'string') out.set(at, value);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) leaves(v, `${at}[${i}]`, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) leaves(v, `${at}.${k}`, out);
  return out;
}

/** What a raw log is about: rule ids of results and rules, URIs, fingerprints and every key. */
function identity(sarif: SarifLogInput): unknown {
  return sarif.runs.map((run) => ({
    rules: (run.tool.driver.rules ?? []).map((r) => r.id),
    results: (run.results ?? []).map((r) => ({
      ruleId: r.ruleId,
      uris: (r.locations ?? []).map((l) => l.physicalLocation?.artifactLocation?.uri),
      fingerprints: r.fingerprints,
      partialFingerprints: r.partialFingerprints,
    })),
  }));
}

describe.each(['semgrep', 'bandit', 'kics'])('redactRawSarif on real %s output', (tool) => {
  for (const judged of ['its findings', 'no findings (all masked as secrets)']) {
    it(`keeps rule ids, URIs, fingerprints and structure, judged by ${judged}`, async () => {
      const original = loadFixture(tool).log;
      const sarif = loadFixture(tool).log;
      const findings = judged === 'its findings' ? await findingsOf(tool, sarif) : [];
      redactRawSarif(sarif, findings);
      expect(identity(sarif)).toEqual(identity(original));
      const before = leaves(original);
      const after = leaves(sarif);
      // The same paths: no key renamed, nothing added or dropped.
      expect([...after.keys()]).toEqual([...before.keys()]);
      const rewritten = [...after].filter(([at, text]) => before.get(at) !== text).map(([at]) => at);
      for (const at of rewritten) expect(at).toMatch(/\.(text|markdown)$|\.properties\.|\.arguments\[/);
      if (judged !== 'its findings') expect(rewritten.length).toBeGreaterThan(0);
    });
  }

  it('still masks the planted secrets of the example app', async () => {
    const sarif = loadFixture(tool).log;
    redactRawSarif(sarif, await findingsOf(tool, sarif));
    const text = JSON.stringify(sarif);
    for (const planted of ['Inv3ntory-Demo-Only-Not-Real', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'])
      expect(text).not.toContain(planted);
  });
});

import { describe, expect, it } from 'vitest';
import { loadMapping } from '../../../src/catalog/data-files.ts';
import { Mapper } from '../../../src/controls/map.ts';
import {
  ENCRYPTION,
  HOST_ISOLATION,
  HTTP2,
  HYGIENE,
  type KicsCase,
  NETWORK_POLICY,
  PRIVILEGE,
  RDP_OPEN,
  VPC_FIREWALL,
} from './kics-cases.ts';

/*
 * KICS findings land on the criteria their check is about, not on what its coarse CWE (284, 20, 200,
 * 311, 668, 1188) or a catch-all category would say (the cases, in ./kics-cases.ts). Each
 * finding is built as KICS's SARIF gives it: the query id as rule id, its category and CWE, no tags.
 */

const mapper = new Mapper(loadMapping().data);

const map = ([, , id, category, cwe]: KicsCase) =>
  mapper.map({ scanner: 'kics', ruleId: id, category, cwe: [cwe], tags: [] });

const LEAST_PRIVILEGE = ['CC6.1', 'CC6.3'];

const label = (c: KicsCase) => `${c[0]} (${c[1]})`;

describe('KICS host isolation: hostPath, host mounts and host namespaces', () => {
  it.each(HOST_ISOLATION.map((c) => [label(c), c] as const))('%s → CC6.1, CC6.3 by its rule row', (_, c) => {
    const result = map(c);
    expect(result.layer).toBe('rule');
    expect([...result.criteria].sort()).toEqual(LEAST_PRIVILEGE);
    // Not data in transit, not confidentiality, not the network boundary.
    expect(result.criteria).not.toContain('CC6.7');
    expect(result.criteria).not.toContain('C1.1');
    expect(result.criteria).not.toContain('CC6.6');
  });
});

describe('KICS privileges, capabilities and root', () => {
  it.each(PRIVILEGE.map((c) => [label(c), c] as const))('%s → CC6.1, CC6.3', (_, c) => {
    const result = map(c);
    expect([...result.criteria].sort()).toEqual(LEAST_PRIVILEGE);
    expect(result.advisory).toBe(false);
  });

  it('root in a Kubernetes container and a Dockerfile without USER land on the same criteria', () => {
    const [k8s, dockerfile] = ['Container Running As Root', 'Missing User Instruction'].map((name) => {
      const c = PRIVILEGE.find((p) => p[0] === name);
      if (!c) throw new Error(name);
      return map(c);
    });
    expect(k8s?.criteria).toEqual(dockerfile?.criteria);
  });
});

describe('KICS network boundary', () => {
  it.each(NETWORK_POLICY.map((c) => [label(c), c] as const))('%s → CC6.6', (_, c) => {
    const result = map(c);
    expect(result.criteria).toContain('CC6.6');
    expect(result.criteria).not.toContain('CC8.1');
  });

  it.each(RDP_OPEN.map((c) => [label(c), c] as const))('%s → CC6.6, CC6.1 by its category', (_, c) => {
    const result = map(c);
    expect(result.layer).toBe('kics');
    expect(result.criteria).toEqual(['CC6.6', 'CC6.1']);
  });

  it('remote desktop open to the internet maps the same on Terraform and CloudFormation', () => {
    const results = RDP_OPEN.map((c) => map(c).criteria);
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it.each(VPC_FIREWALL.map((c) => [label(c), c] as const))(
    '%s → CC6.6, CC6.1, not storage encryption',
    (_, c) => {
      const result = map(c);
      expect(result.criteria).toEqual(['CC6.6', 'CC6.1']);
      expect(result.criteria).not.toContain('C1.1');
    },
  );
});

describe('KICS encryption follows the CWE that tells transport from storage', () => {
  it.each(HTTP2.map((c) => [label(c), c] as const))(
    '%s: a configuration baseline, not encryption',
    (_, c) => {
      const result = map(c);
      expect(result.criteria).toEqual(['CC7.1', 'CC8.1']);
    },
  );

  it.each(ENCRYPTION.map(([c, expected]) => [label(c), c, expected] as const))('%s', (_, c, expected) => {
    expect(map(c).criteria).toEqual(expected);
  });
});

describe('KICS hygiene checks never block', () => {
  it.each(HYGIENE.map((c) => [label(c), c] as const))('%s is advisory', (_, c) => {
    expect(map(c)).toMatchObject({ advisory: true, criteria: [], unmapped: false });
  });
});

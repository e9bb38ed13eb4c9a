import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Finding, Severity } from '../findings/finding.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import type { Waiver } from '../findings/waivers.ts';
import { CONTROLGATE_URI, CONTROLGATE_VERSION } from '../version.ts';
import { SECURITY_SEVERITY } from './severity.ts';

/** Severities in order, to find a rule's worst result. */
const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** Severity back to a SARIF level; critical and high are both `error`. */
export function levelFor(severity: Severity): Sarif.Result.level {
  return ({ critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const)[
    severity
  ];
}

function uriFor(relative: string): string {
  return relative.split('/').map(encodeURIComponent).join('/');
}

/** Keeps the parts of a tool's rule descriptor that stand alone (no references into dropped taxonomies). */
function ruleDescriptor(
  id: string,
  original: Sarif.ReportingDescriptor | undefined,
  sample: Finding,
  worst: Severity,
): Sarif.ReportingDescriptor {
  const tags = new Set(original?.properties?.tags ?? []);
  for (const cwe of sample.cwe) tags.add(`external/cwe/${cwe.toLowerCase()}`);
  // The tool's own score where it gives one (Semgrep's rules); else from our severity of the rule's
  // worst result, so code scanning ranks Bandit's and KICS's alerts as the report does.
  const securitySeverity = original?.properties?.['security-severity'] ?? SECURITY_SEVERITY[worst];
  const descriptor: Sarif.ReportingDescriptor = { id };
  const name = original?.name ?? sample.ruleName;
  // SARIF asks for a name that differs from the id (Semgrep repeats the id); omit it then.
  if (name && name !== id) descriptor.name = name;
  if (original?.shortDescription) descriptor.shortDescription = { text: original.shortDescription.text };
  if (original?.fullDescription) descriptor.fullDescription = { text: original.fullDescription.text };
  if (original?.help)
    descriptor.help = {
      text: original.help.text,
      ...(original.help.markdown ? { markdown: original.help.markdown } : {}),
    };
  if (original?.helpUri ?? sample.helpUri) descriptor.helpUri = original?.helpUri ?? sample.helpUri;
  if (original?.defaultConfiguration?.level)
    descriptor.defaultConfiguration = { level: original.defaultConfiguration.level };
  descriptor.properties = {
    tags: [...tags].sort(),
    ...(securitySeverity !== undefined ? { 'security-severity': String(securitySeverity) } : {}),
    ...(sample.category ? { category: sample.category } : {}),
  };
  return descriptor;
}

/** A waiver as a SARIF external suppression, so SARIF consumers see the accepted risk too. */
function waiverSuppression(w: Waiver): Sarif.Suppression {
  return {
    kind: 'external',
    status: 'accepted',
    justification: `waiver ${w.id ?? `at line ${w.line}`}: ${w.reason} (approved by ${w.approver}, ticket ${w.ticket}, expires ${w.expires})`,
  };
}

/** Our states in SARIF's words: a finding the change removed is `absent` from the scanned tree. */
const SARIF_BASELINE_STATE = { new: 'new', unchanged: 'unchanged', fixed: 'absent' } as const;

function resultFor(
  f: Finding,
  ruleIndex: number,
  waiver: Waiver | undefined,
  problem: string | undefined,
): Sarif.Result {
  const result: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: levelFor(f.severity),
    message: { text: f.message },
    ...(f.baselineState ? { baselineState: SARIF_BASELINE_STATE[f.baselineState] } : {}),
    partialFingerprints: { 'controlgate/v1': f.fingerprint },
    properties: {
      severity: f.severity,
      cwe: f.cwe,
      ...(f.category ? { category: f.category } : {}),
      ...(f.secret ? { secret: true } : {}),
      ...(!f.inWorkspace && f.path ? { outsideWorkspaceUri: f.path } : {}),
      // Merged with other tools' results into one problem, known by this fingerprint (the report's).
      ...(problem ? { 'controlgate/problem': problem } : {}),
    },
  };
  if (f.inWorkspace && f.path) {
    const region: Sarif.Region = { startLine: Math.max(1, f.line), endLine: Math.max(1, f.endLine) };
    if (f.column) region.startColumn = f.column;
    if (f.snippet !== undefined) region.snippet = { text: f.snippet };
    result.locations = [
      { physicalLocation: { artifactLocation: { uri: uriFor(f.path), uriBaseId: SRCROOT }, region } },
    ];
  }
  const suppressions: Sarif.Suppression[] = f.suppressions.map((s) => ({
    kind: s.kind,
    status: s.status,
    ...(s.justification ? { justification: s.justification } : {}),
    ...(s.line !== undefined && (s.file !== undefined || (f.inWorkspace && f.path))
      ? {
          location: {
            physicalLocation: {
              artifactLocation: { uri: uriFor(s.file ?? f.path), uriBaseId: SRCROOT },
              region: { startLine: s.line },
            },
          },
        }
      : {}),
    ...(s.addedByChange !== undefined ? { properties: { addedByChange: s.addedByChange } } : {}),
  }));
  if (waiver) suppressions.push(waiverSuppression(waiver));
  if (suppressions.length > 0) result.suppressions = suppressions;
  return result;
}

/** A run's parts: everything but the results, and the results made one at a time. */
interface RunParts {
  run: Sarif.Run;
  results: () => Generator<Sarif.Result>;
}

function runParts(
  scanner: ScannerRun,
  root: string,
  waivers: ReadonlyMap<string, Waiver>,
  fixed: readonly Finding[],
  problems: ReadonlyMap<string, string>,
): RunParts {
  const driver = scanner.log?.runs[0]?.tool.driver;
  const originalRules = new Map<string, Sarif.ReportingDescriptor>();
  for (const run of scanner.log?.runs ?? [])
    for (const rule of run.tool.driver.rules ?? []) originalRules.set(rule.id, rule);
  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const worst = new Map<string, Severity>();
  for (const list of [scanner.findings, fixed])
    for (const f of list) {
      const known = worst.get(f.ruleId);
      if (known === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[known])
        worst.set(f.ruleId, f.severity);
    }
  // Rules first (they precede the results in the document); results are made when read.
  for (const list of [scanner.findings, fixed]) {
    for (const f of list) {
      if (ruleIndex.has(f.ruleId)) continue;
      ruleIndex.set(f.ruleId, rules.length);
      rules.push(ruleDescriptor(f.ruleId, originalRules.get(f.ruleId), f, worst.get(f.ruleId) ?? f.severity));
    }
  }
  function* results(): Generator<Sarif.Result> {
    for (const list of [scanner.findings, fixed])
      for (const f of list)
        yield resultFor(
          f,
          ruleIndex.get(f.ruleId) ?? 0,
          waivers.get(f.fingerprint),
          problems.get(f.fingerprint),
        );
  }
  const notifications: Sarif.Notification[] = [
    ...(scanner.error
      ? [
          {
            level: scanner.status === 'failed' ? ('error' as const) : ('note' as const),
            message: { text: scanner.error },
          },
        ]
      : []),
    // A file the tool could not judge: whoever reads the merged log sees it was not checked.
    ...(scanner.unjudged ?? []).map(
      (u): Sarif.Notification => ({
        level: 'error',
        message: { text: `not judged: ${u.reason}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: uriFor(u.path), uriBaseId: SRCROOT } } }],
      }),
    ),
  ];
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: driver?.name ?? scanner.displayName,
        // Our parsed version is numeric ("2.2.0"); KICS writes "v2.2.0", which validators flag.
        ...((scanner.version ?? driver?.version) ? { version: scanner.version ?? driver?.version } : {}),
        ...(driver?.informationUri ? { informationUri: driver.informationUri } : {}),
        rules,
      },
    },
    // A distinct category per scanner: code scanning rejects two runs of one tool and category.
    automationDetails: { id: `controlgate/${scanner.id}/` },
    originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(root).href}/` } },
    invocations: [
      {
        executionSuccessful: scanner.status !== 'failed',
        ...(typeof scanner.exitCode === 'number' ? { exitCode: scanner.exitCode } : {}),
        toolExecutionNotifications: notifications,
      },
    ],
    results: [],
    properties: {
      controlgate: {
        version: CONTROLGATE_VERSION,
        scanner: scanner.id,
        status: scanner.status,
        filesScanned: scanner.filesScanned,
        durationMs: scanner.durationMs,
      },
    },
  };
  return { run, results };
}

export interface MergeOptions {
  /** Applied waivers by fingerprint: they appear as external suppressions. */
  waivers?: ReadonlyMap<string, Waiver>;
  /**
   * The problem each merged result belongs to (src/findings/problems.ts): every tool's fingerprint in
   * a problem of several tools, to the problem's fingerprint. Written as `controlgate/problem`.
   */
  problems?: ReadonlyMap<string, string>;
  /**
   * Findings at the base the change removed: added to their scanner's run as `absent` results.
   * Left out of what goes to code scanning, which would show them as open alerts.
   */
  fixed?: readonly Finding[];
}

function partsOf(scanners: readonly ScannerRun[], root: string, options: MergeOptions): RunParts[] {
  const waivers = options.waivers ?? new Map<string, Waiver>();
  const fixed = options.fixed ?? [];
  const problems = options.problems ?? new Map<string, string>();
  return scanners.map((s) =>
    runParts(
      s,
      root,
      waivers,
      fixed.filter((f) => f.scanner === s.id),
      problems,
    ),
  );
}

const LOG_PROPERTIES = {
  generator: { name: 'controlgate', version: CONTROLGATE_VERSION, informationUri: CONTROLGATE_URI },
};

/**
 * One SARIF 2.1.0 log with one run per scanner (failed and skipped ones included, saying so);
 * in-source suppressions and applied waivers appear as SARIF suppressions, and a comparison with
 * the base as each result's `baselineState`.
 */
export function mergedSarif(
  scanners: readonly ScannerRun[],
  root: string,
  options: MergeOptions = {},
): Sarif.Log {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: partsOf(scanners, root, options).map((p) => ({ ...p.run, results: [...p.results()] })),
    properties: LOG_PROPERTIES,
  };
}

/** Results are gathered to about this many characters before a chunk is handed on. */
const CHUNK_CHARS = 1 << 16;

/**
 * The same log as compact JSON in chunks, each result made only when it is written: a run with
 * hundreds of thousands of results is never held in memory as objects or as one string.
 */
export function* mergedSarifChunks(
  scanners: readonly ScannerRun[],
  root: string,
  options: MergeOptions = {},
): Generator<string> {
  const marker = '\u0000controlgate:results\u0000';
  yield `{"$schema":${JSON.stringify(SARIF_SCHEMA)},"version":"2.1.0","runs":[`;
  let firstRun = true;
  for (const parts of partsOf(scanners, root, options)) {
    // The run without its results, split where they go.
    const [before = '', after = ''] = JSON.stringify({ ...parts.run, results: marker }).split(
      JSON.stringify(marker),
    );
    let buffer = `${firstRun ? '' : ','}${before}[`;
    firstRun = false;
    let firstResult = true;
    for (const result of parts.results()) {
      buffer += `${firstResult ? '' : ','}${JSON.stringify(result)}`;
      firstResult = false;
      if (buffer.length >= CHUNK_CHARS) {
        yield buffer;
        buffer = '';
      }
    }
    yield `${buffer}]${after}`;
  }
  yield `],"properties":${JSON.stringify(LOG_PROPERTIES)}}\n`;
}

/**
 * Fingerprint → JSON pointer (`#/runs/<i>/results/<j>`) of its result in the merged log, computed
 * without building the log: what OSCAL observations cite as evidence.
 */
export function mergedResultPointers(
  scanners: readonly ScannerRun[],
  fixed: readonly Finding[] = [],
): Map<string, string> {
  const pointers = new Map<string, string>();
  scanners.forEach((s, i) => {
    let j = 0;
    for (const list of [s.findings, fixed.filter((f) => f.scanner === s.id)]) {
      for (const f of list) {
        if (!pointers.has(f.fingerprint)) pointers.set(f.fingerprint, `#/runs/${i}/results/${j}`);
        j += 1;
      }
    }
  });
  return pointers;
}

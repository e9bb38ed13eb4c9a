import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scanner } from '../../scanners/types.ts';
import type { Finding, FixReplacement, Suppression } from '../findings/finding.ts';
import { computeFingerprints } from '../findings/fingerprint.ts';
import {
  isSecretFinding,
  redactKnownSecrets,
  redactSecretFindingText,
  redactSnippet,
} from '../findings/redact.ts';
import { containedRelative } from '../paths.ts';
import { stripControlChars } from '../text.ts';
import { cweFromTag, cweFromTaxonId, cwesFromProperty, sortCwes } from './cwe.ts';
import { type FixArtifactLocation, fixOf } from './fixes.ts';
import type { SarifDescriptorReference, SarifResult, SarifRule, SarifRun } from './model.ts';
import { resolveSeverity } from './severity.ts';
import type { SourceReader } from './source-reader.ts';

export interface NormalizeContext {
  scannerId: string;
  scannerVersion: string;
  /** Absolute workspace root; finding paths are relative to it and never leave it. */
  root: string;
  /** Where relative URIs without a known base resolve: the directory the tool ran in. */
  baseDir: string;
  sources: SourceReader;
  inSourceSuppression?: Scanner['inSourceSuppression'];
  /** Rule properties the tool reported outside SARIF, by rule id (see Scanner.ruleProperties). */
  extraRuleProperties?: ReadonlyMap<string, Record<string, unknown>>;
}

/**
 * The `partialFingerprints` key under which a plugin's SARIF names what makes a result the same
 * across runs (OSV-Scanner's: ecosystem, package and advisory), used instead of the matched code.
 */
export const IDENTITY_FINGERPRINT = 'controlgate/identity/v1';

const MAX_SNIPPET_LINES = 12;
const MAX_SNIPPET_CHARS = 2_000;
/** Semgrep writes this in place of snippets and fingerprints when not logged in. */
const PLACEHOLDER_SNIPPETS = new Set(['requires login']);

/** Index of a run's rules by id and of its taxonomies by name/guid, built once per run. */
class RunIndex {
  readonly rulesById = new Map<string, SarifRule>();
  private readonly run: SarifRun;
  constructor(run: SarifRun) {
    this.run = run;
    for (const rule of run.tool.driver.rules ?? [])
      if (!this.rulesById.has(rule.id)) this.rulesById.set(rule.id, rule);
  }

  rule(result: SarifResult): SarifRule | undefined {
    const ref = result.rule;
    const componentIndex = ref?.toolComponent?.index;
    const rules =
      componentIndex !== undefined && componentIndex >= 0
        ? (this.run.tool.extensions?.[componentIndex]?.rules ?? [])
        : (this.run.tool.driver.rules ?? []);
    const index = result.ruleIndex ?? ref?.index;
    const id = result.ruleId ?? ref?.id;
    if (index !== undefined && index >= 0) {
      const byIndex = rules[index];
      if (byIndex && (id === undefined || byIndex.id === id || id.startsWith(`${byIndex.id}/`)))
        return byIndex;
    }
    return id === undefined ? undefined : this.rulesById.get(id);
  }

  taxonomyName(ref: SarifDescriptorReference): string | undefined {
    const component = ref.toolComponent;
    if (!component) return undefined;
    if (component.name) return component.name;
    const taxonomies = this.run.taxonomies ?? [];
    if (component.index !== undefined) return taxonomies[component.index]?.name;
    return taxonomies.find((t) => t.guid !== undefined && t.guid === component.guid)?.name;
  }

  taxonName(taxonomy: string, id: string): string | undefined {
    return this.run.taxonomies?.find((t) => t.name === taxonomy)?.taxa?.find((taxon) => taxon.id === id)
      ?.name;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function messageOf(result: SarifResult, rule: SarifRule | undefined): string {
  let message = text(result.message.text) ?? text(result.message.markdown);
  if (!message && result.message.id) message = rule?.messageStrings?.[result.message.id]?.text;
  if (message && result.message.arguments) {
    const args = result.message.arguments;
    message = message.replace(/\{(\d+)\}/g, (whole, n: string) => args[Number(n)] ?? whole);
  }
  return message ?? rule?.shortDescription?.text ?? rule?.name ?? rule?.id ?? '(no message)';
}

interface ResolvedPath {
  path: string;
  inWorkspace: boolean;
}

function resolveBase(run: SarifRun, baseId: string | undefined, baseDir: string, depth = 0): string {
  const base = baseId ? run.originalUriBaseIds?.[baseId] : undefined;
  if (!base?.uri || depth > 4) return baseDir;
  if (/^file:/i.test(base.uri)) {
    try {
      return fileURLToPath(base.uri);
    } catch {
      return baseDir;
    }
  }
  return path.resolve(resolveBase(run, base.uriBaseId, baseDir, depth + 1), decodeURIComponent(base.uri));
}

/** An artifact location, following an index into `run.artifacts` when it has no URI of its own. */
function followIndex(run: SarifRun, location: FixArtifactLocation | undefined) {
  if (location && location.uri === undefined && location.index !== undefined && location.index >= 0) {
    return run.artifacts?.[location.index]?.location ?? location;
  }
  return location;
}

/** The artifact location of a result's first location. */
function artifactOf(run: SarifRun, result: SarifResult) {
  return followIndex(run, result.locations?.[0]?.physicalLocation?.artifactLocation);
}

/**
 * The absolute local path a result's first location names (relative URIs resolve against their
 * base id, else `baseDir`); undefined for none, a non-file URI or one that cannot be decoded.
 */
export function resultFilePath(run: SarifRun, result: SarifResult, baseDir: string): string | undefined {
  return locationFilePath(run, artifactOf(run, result), baseDir);
}

/** The absolute local path an artifact location names, as resultFilePath resolves it. */
function locationFilePath(
  run: SarifRun,
  location: FixArtifactLocation | undefined,
  baseDir: string,
): string | undefined {
  const uri = location?.uri;
  if (!uri) return undefined;
  try {
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return /^file:/i.test(uri) ? fileURLToPath(uri) : undefined;
    return path.resolve(resolveBase(run, location?.uriBaseId, baseDir), decodeURIComponent(uri));
  } catch {
    return undefined;
  }
}

/** Maps a SARIF artifact location to a repo-relative path; anything outside the root is flagged. */
function resolvePath(run: SarifRun, result: SarifResult, context: NormalizeContext): ResolvedPath {
  const uri = artifactOf(run, result)?.uri;
  if (!uri) return { path: '', inWorkspace: false };
  const absolute = resultFilePath(run, result, context.baseDir);
  const relative = absolute === undefined ? undefined : containedRelative(context.root, absolute);
  // A path inside the root can still be a link leading out of it.
  return relative === undefined || !context.sources.contains(relative)
    ? { path: stripControlChars(uri), inWorkspace: false }
    : { path: relative, inWorkspace: true };
}

/**
 * Resolves each distinct artifact location of a run once: a large log names each file many times
 * (200,000 results over about 20,000 files in the benchmark), and resolving is path arithmetic.
 */
function pathResolver(run: SarifRun, context: NormalizeContext): (result: SarifResult) => ResolvedPath {
  const cache = new Map<string, ResolvedPath>();
  return (result) => {
    const location = result.locations?.[0]?.physicalLocation?.artifactLocation;
    const key = `${location?.uri ?? ''}\u0000${location?.uriBaseId ?? ''}\u0000${location?.index ?? ''}`;
    let resolved = cache.get(key);
    if (!resolved) {
      resolved = resolvePath(run, result, context);
      cache.set(key, resolved);
    }
    return resolved;
  };
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function collectCwes(
  run: RunIndex,
  rule: SarifRule | undefined,
  result: SarifResult,
  tags: readonly string[],
): string[] {
  const found = new Set<string>();
  for (const tag of tags) {
    const cwe = cweFromTag(tag);
    if (cwe) found.add(cwe);
  }
  for (const bag of [rule?.properties, result.properties]) {
    for (const key of ['cwe', 'CWE', 'cwes']) for (const cwe of cwesFromProperty(bag?.[key])) found.add(cwe);
  }
  const refs = [...(rule?.relationships ?? []).map((r) => r.target), ...(result.taxa ?? [])];
  for (const ref of refs) {
    if (ref.id && /cwe/i.test(run.taxonomyName(ref) ?? '')) {
      const cwe = cweFromTaxonId(ref.id);
      if (cwe) found.add(cwe);
    }
  }
  return sortCwes(found);
}

function categoryOf(run: RunIndex, rule: SarifRule | undefined): string | undefined {
  for (const relationship of rule?.relationships ?? []) {
    const taxonomy = run.taxonomyName(relationship.target);
    const id = relationship.target.id;
    if (taxonomy && id && /categor/i.test(taxonomy)) return run.taxonName(taxonomy, id) ?? id;
  }
  const declared = rule?.properties?.category;
  return typeof declared === 'string' && declared !== '' ? declared : undefined;
}

/**
 * The result's suppressions. An in-source one keeps the line of its comment, and the file that holds
 * it when that is another file of the workspace (Gitleaks' `.gitleaksignore`).
 */
function suppressionsOf(
  result: SarifResult,
  ownUri: string | undefined,
  root: string,
  baseDir: string,
): Suppression[] {
  return (result.suppressions ?? []).map((s) => {
    const physical = s.location?.physicalLocation;
    const line = physical?.region?.startLine;
    const uri = physical?.artifactLocation?.uri;
    let file: string | undefined;
    if (s.kind === 'inSource' && uri !== undefined && uri !== ownUri && !/^[a-z][a-z0-9+.-]*:/i.test(uri)) {
      file = containedRelative(root, path.resolve(baseDir, uri));
    }
    return {
      kind: s.kind,
      status: s.status ?? 'accepted',
      ...(s.justification ? { justification: stripControlChars(s.justification) } : {}),
      ...(s.kind === 'inSource' && line !== undefined ? { line } : {}),
      ...(file !== undefined ? { file } : {}),
    };
  });
}

function snippetOf(
  lines: readonly string[] | undefined,
  fromSarif: string | undefined,
  secret: boolean,
): string | undefined {
  let raw: string | undefined;
  if (lines) raw = lines.slice(0, MAX_SNIPPET_LINES).join('\n');
  else if (fromSarif !== undefined && !PLACEHOLDER_SNIPPETS.has(fromSarif.trim()))
    raw = fromSarif.replace(/\n$/, '');
  if (raw === undefined) return undefined;
  const cleaned = raw
    .split('\n')
    .map((l) => stripControlChars(l).trimEnd())
    .join('\n')
    .slice(0, MAX_SNIPPET_CHARS);
  return secret ? redactSecretFindingText(cleaned) : redactSnippet(cleaned);
}

/**
 * The rule's name as a title shown beside or instead of its id, or undefined. A name that is a code
 * identifier (Bandit's `hashlib`, `blacklist` for B324, B301) says less than the id users know, so
 * reports show the id; the tool's name stays in the merged SARIF's rule. KICS's names (query titles)
 * are kept, its query id is the rule id.
 */
export function titleOf(rule: SarifRule | undefined, ruleId: string): string | undefined {
  const name = rule?.name;
  if (!name || name === ruleId) return undefined;
  return /^[a-z0-9]+(?:_[a-z0-9]+)*$/.test(name) ? undefined : name;
}

/** A link the reader can follow: the rule's helpUri, else the first of the references Semgrep lists in its help. */
export function helpUriOf(rule: SarifRule | undefined): string | undefined {
  if (rule?.helpUri) return rule.helpUri;
  const markdown = rule?.help?.markdown ?? '';
  const references = markdown.split(/<b>References:<\/b>/)[1];
  const link = references ? /\]\((https?:\/\/[^\s)]+)\)/.exec(references)?.[1] : undefined;
  return link;
}

/** The result's fix when it replaces code in the result's own file (fixes.ts says which fixes count). */
function ownFileFix(run: SarifRun, result: SarifResult, baseDir: string): FixReplacement | undefined {
  const own = resultFilePath(run, result, baseDir);
  if (own === undefined) return undefined;
  return fixOf(
    result.fixes,
    (location) => locationFilePath(run, followIndex(run, location), baseDir) === own,
  );
}

/**
 * Turns one SARIF run into findings, one per result, in the tool's order: nothing dropped (in-source
 * suppressions are marked), nothing doubled. Secret values are redacted before anything leaves here.
 */
export function normalizeRun(run: SarifRun, context: NormalizeContext): Finding[] {
  const index = new RunIndex(run);
  const results = run.results ?? [];
  const resolvePathOnce = pathResolver(run, context);
  // A rule's title and help link, worked out once per rule: a run has few rules and many results.
  const ruleFacts = new Map<string, { title: string | undefined; helpUri: string | undefined }>();
  const factsOf = (rule: SarifRule | undefined, ruleId: string) => {
    const key = `${rule?.id ?? ''}\u0000${ruleId}`;
    let facts = ruleFacts.get(key);
    if (!facts) {
      const title = titleOf(rule, ruleId);
      facts = { title: title === undefined ? undefined : stripControlChars(title), helpUri: helpUriOf(rule) };
      ruleFacts.set(key, facts);
    }
    return facts;
  };
  const drafts = results.map((result, resultIndex) => {
    const rule = index.rule(result);
    const ruleId = result.ruleId ?? result.rule?.id ?? rule?.id ?? '(no rule id)';
    const { title, helpUri } = factsOf(rule, ruleId);
    const tags = [...new Set([...(rule?.properties?.tags ?? []), ...(result.properties?.tags ?? [])])].sort();
    const cwe = collectCwes(index, rule, result, tags);
    const category = categoryOf(index, rule);
    const rawMessage = stripControlChars(messageOf(result, rule));
    // Secret scanners (Gitleaks, secretlint) give no CWE: their rule and message words say it.
    const secret = isSecretFinding({
      cwe,
      category,
      tags,
      ruleId,
      ruleName: rule?.name,
      message: rawMessage,
    });
    const location = resolvePathOnce(result);
    const region = result.locations?.[0]?.physicalLocation?.region;
    const line = location.path ? (region?.startLine ?? 1) : 0;
    const endLine = Math.max(line, region?.endLine ?? line);
    const codeLines = location.inWorkspace ? context.sources.range(location.path, line, endLine) : undefined;
    const suppressions = suppressionsOf(result, artifactOf(run, result)?.uri, context.root, context.baseDir);
    if (context.inSourceSuppression && location.inWorkspace) {
      const allLines = context.sources.lines(location.path);
      const comment = allLines
        ? context.inSourceSuppression({ lines: allLines, startLine: line, endLine, ruleId })
        : undefined;
      const marked = suppressions.find((s) => s.kind === 'inSource');
      if (comment && !marked)
        suppressions.push({
          kind: 'inSource',
          status: 'accepted',
          justification: stripControlChars(comment.text),
          line: comment.line,
        });
      // Semgrep marks nosemgrep results itself but without the comment: reviewers want to see it,
      // and its line tells whether the change wrote it.
      else if (comment && marked) {
        if (!marked.justification) marked.justification = stripControlChars(comment.text);
        marked.line ??= comment.line;
      }
    }
    // A fix only for code the workspace holds, never for a secret (its text would be the value).
    const fix =
      result.fixes !== undefined && location.inWorkspace && !secret
        ? ownFileFix(run, result, context.baseDir)
        : undefined;
    const finding: Finding = {
      scanner: context.scannerId,
      scannerVersion: context.scannerVersion,
      ruleId: stripControlChars(ruleId),
      ...(title ? { ruleName: title } : {}),
      message: secret ? redactSecretFindingText(rawMessage) : redactKnownSecrets(rawMessage),
      ...resolveSeverity({
        resultProperties: result.properties,
        ruleProperties: { ...context.extraRuleProperties?.get(ruleId), ...rule?.properties },
        resultLevel: result.level,
        ruleLevel: rule?.defaultConfiguration?.level,
        resultKind: result.kind,
      }),
      cwe,
      ...(category ? { category } : {}),
      tags,
      path: location.path,
      inWorkspace: location.inWorkspace,
      line,
      endLine,
      ...(region?.startColumn ? { column: region.startColumn } : {}),
      snippet: snippetOf(codeLines, region?.snippet?.text, secret),
      suppressed: suppressions.some((s) => s.status === 'accepted'),
      suppressions,
      fingerprint: '',
      secret,
      ...(helpUri ? { helpUri } : {}),
      ...(fix ? { fix } : {}),
      resultIndex,
    };
    if (finding.snippet === undefined) delete finding.snippet;
    return { finding, code: codeLines ? snippetOf(codeLines, undefined, secret) : undefined };
  });

  // Occurrence numbers follow position in the file, not the tool's output order, so they are stable.
  const order = drafts
    .map((_, i) => i)
    .sort((a, b) => {
      const fa = drafts[a]?.finding;
      const fb = drafts[b]?.finding;
      if (!fa || !fb) return 0;
      return (
        // Only the order within one path matters (occurrence numbers): code units are enough, and
        // much cheaper than localeCompare on 200k results.
        compareCodeUnits(fa.path, fb.path) ||
        fa.line - fb.line ||
        (fa.column ?? 0) - (fb.column ?? 0) ||
        // Two results of one rule on one line (KICS: one per package of an apt-get line) are told
        // apart by their message, not by the tool's output order, which varies between runs.
        compareCodeUnits(fa.ruleId, fb.ruleId) ||
        compareCodeUnits(fa.message, fb.message) ||
        a - b
      );
    });
  const fingerprints = computeFingerprints(
    order.map((i) => {
      const draft = drafts[i];
      if (!draft) throw new Error('unreachable: fingerprint order out of range');
      const { finding, code } = draft;
      const identity = results[draft.finding.resultIndex]?.partialFingerprints?.[IDENTITY_FINGERPRINT];
      return {
        scanner: finding.scanner,
        ruleId: finding.ruleId,
        path: finding.path,
        code,
        fallback: finding.message,
        ...(typeof identity === 'string' && identity !== '' ? { identity } : {}),
      };
    }),
  );
  order.forEach((draftIndex, k) => {
    const draft = drafts[draftIndex];
    if (draft) draft.finding.fingerprint = fingerprints[k] ?? '';
  });
  return drafts.map((d) => d.finding);
}

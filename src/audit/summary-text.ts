import path from 'node:path';
import type { AuditResult } from './run-audit.ts';

/* What `controlgate audit` prints: the counts, the exceptions by code, the sample, and where the files are. */

/** A period's end as the user gave it: the day alone when it is a whole day's start or end (UTC). */
function day(iso: string): string {
  return /T(00:00:00\.000|23:59:59\.999)Z$/.test(iso) ? iso.slice(0, 10) : iso;
}

export function auditSummary(result: AuditResult, outLabel: string): string {
  const doc = result.document;
  const c = doc.counts;
  const lines = [
    `controlgate audit ${day(doc.period.since)} … ${day(doc.period.until)}: ${c.merged} merged change(s) (list from ${doc.mergedListSource === 'platform' ? 'the platform' : 'the merge records'})`,
    `  gate on the merged head: ${c.gatePassed} passed, ${c.gateBlocked} blocked, ${c.gateNotEvaluated} not evaluated, ${c.noGateRun} with no gate run`,
    `  bundles: ${c.gateBundles} gate, ${c.mergeRecords} merge records, ${c.duplicateBundles} duplicate(s), ${c.supersededRuns} superseded run(s), ${c.rejectedBundles} rejected (listed, not counted)`,
    `  ${c.withExceptions} change(s) with exceptions`,
    doc.signer
      ? `  signatures: checked against ${doc.signer.identity} (issuer ${doc.signer.issuer}); unsigned bundles refused`
      : '  signatures: not checked (no --identity): bundles prove integrity, not authorship',
  ];
  if (doc.mergedListSource === 'merge-records' && c.mergeRecords === 0)
    lines.push(
      `  no merge record was given, so no merged change is known${c.gateBundles > 0 ? ` (the ${c.gateBundles} gate bundle(s) read stand for no change)` : ''}: give the merge records (the controlgate-merge-record artifacts), or read the platform's list with --github or --gitlab`,
    );
  const byCode = new Map<string, number>();
  for (const e of doc.exceptions) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
  for (const [code, n] of [...byCode].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    lines.push(`    ${code}: ${n}`);
  if (result.gaps.length > 0)
    lines.push(
      `  ${result.gaps.length} artifact(s) listed but not read (expired or failed): see population.json "gaps"`,
    );
  if (doc.sample)
    lines.push(
      `  sample of ${doc.sample.changes.length} (seed ${JSON.stringify(doc.sample.seed)}): ${doc.sample.changes.map((s) => `#${s.number}`).join(', ')}`,
    );
  const rel = (file: string | null) => (file ? path.join(outLabel, path.basename(file)) : null);
  lines.push(
    `  wrote ${[rel(result.written.csv), rel(result.written.json), rel(result.written.html)].join(', ')}`,
    `  archive: ${rel(result.written.archive)}/ (manifest digest sha256:${result.written.archiveManifest.digest})${result.written.archiveZip ? `, ${rel(result.written.archiveZip)}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

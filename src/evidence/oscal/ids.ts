import { createHash } from 'node:crypto';
import { CONTROLGATE_URI } from '../../version.ts';

/** The OSCAL version written; the one compliance-trestle 5.2.0 (the validator we pin) is built on. */
export const OSCAL_VERSION = '1.2.1';

/** Namespace of every property controlgate defines, as NIST's OSCAL extension guidance asks. */
export const CONTROLGATE_NS = `${CONTROLGATE_URI}/ns/oscal`;

/** controlgate's fixed UUID namespace: every OSCAL UUID is derived from it, never drawn at random. */
const UUID_NAMESPACE = 'ee09275a-d94f-4f23-99c7-4023722a0854';

const UUID_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A name-based (version 5, SHA-1) UUID as RFC 4122 §4.3 defines it, so equal inputs always give the
 * same documents and OSCAL validators accept the form.
 */
export function uuidV5(name: string, namespace: string = UUID_NAMESPACE): string {
  if (!UUID_FORM.test(namespace)) throw new Error(`not a UUID: ${namespace}`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Ids shared by the run's documents: stable ones for lasting things, per-run ones for this run's records. */
export function runIdentities(run: {
  repository: string | null;
  root: string;
  commit: string | null;
  changeNumber: number | null;
  startedAt: string;
}) {
  const runKey = JSON.stringify([run.repository, run.commit, run.changeNumber, run.startedAt]);
  const repository = run.repository ?? run.root;
  return {
    runUuid: (name: string) => uuidV5(`run ${runKey} ${name}`),
    scannerUuid: (id: string) => uuidV5(`component scanner ${id}`),
    repositoryUuid: uuidV5(`component repository ${repository}`),
    gateUuid: uuidV5('component controlgate gate'),
    platformUuid: uuidV5(`assessment-platform controlgate`),
    /** A waiver approver as an OSCAL party: the same name gives the same party in every run. */
    partyUuid: (name: string) => uuidV5(`party ${name}`),
  };
}
export type RunIdentities = ReturnType<typeof runIdentities>;

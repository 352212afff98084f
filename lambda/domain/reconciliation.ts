/**
 * Reconciliation cases: what a `reconcile` type (money) becomes when versions were written
 * concurrently. The case holds every sibling exactly as written; nothing is merged or dropped. A
 * person (via `aactl reconcile`) picks or computes the resolved value, and `resolveCase` writes it
 * as one version that has seen all the siblings, which closes the case in every region.
 */
import { createHash } from 'node:crypto';
import { MVRegister, type Sibling } from './crdt/mv-register';
import { formatHlc, type HlcTimestamp } from './hlc';
import type { JsonValue } from './json';
import type { ValueCodec } from './value-codec';
import type { VersionVector } from './version-vector';

/** Concurrent versions of one object, waiting for a person. */
export interface ReconciliationCase<T> {
  /**
   * Stable id derived from the siblings' dots: every region computes the same id for the same
   * conflict, so opening a case twice (or from two regions) is idempotent.
   */
  readonly caseId: string;
  /** Every concurrent version, sorted by HLC. */
  readonly siblings: readonly Sibling<T>[];
  /** Version vector covering all siblings: the resolution must be written on top of it. */
  readonly context: VersionVector;
}

/** Serialized case, e.g. for the reconciliation queue item. */
export interface ReconciliationCaseJson {
  [key: string]: JsonValue;
  caseId: string;
  siblings: { region: string; hlc: string; dot: number; value: JsonValue }[];
  context: Record<string, number>;
}

/** The case id of a set of siblings: `case-` and 20 hex digits of a SHA-256 over their dots. */
export function caseIdOf(siblings: readonly Sibling<unknown>[]): string {
  const dots = siblings.map((sibling) => `${sibling.hlc.region}:${sibling.dot}`).sort();
  return `case-${createHash('sha256').update(dots.join(',')).digest('hex').slice(0, 20)}`;
}

/** The case a conflicted register represents, or `undefined` when it has at most one sibling. */
export function openCase<T>(register: MVRegister<T>): ReconciliationCase<T> | undefined {
  if (!register.isConflicted) {
    return undefined;
  }
  return {
    caseId: caseIdOf(register.siblings),
    siblings: register.siblings,
    context: register.context,
  };
}

/**
 * Closes case `caseId` by writing `resolved` stamped `hlc` (from the resolving region's clock,
 * after receiving the siblings' stamps). Throws when the register no longer holds exactly that
 * case: the person decided on siblings that have since changed and must look again.
 */
export function resolveCase<T>(
  register: MVRegister<T>,
  caseId: string,
  resolved: T,
  hlc: HlcTimestamp,
): MVRegister<T> {
  const current = openCase(register);
  if (current === undefined) {
    throw new Error(
      `reconciliation case ${caseId} is no longer open: the object has ${register.siblings.length} version(s); reload it before resolving`,
    );
  }
  if (current.caseId !== caseId) {
    throw new Error(
      `reconciliation case ${caseId} is stale: the object's conflict is now ${current.caseId} with ${current.siblings.length} versions; review it again`,
    );
  }
  return register.write(resolved, hlc);
}

/** Serializes a case with the type's value codec. */
export function serializeCase<T>(
  reconciliation: ReconciliationCase<T>,
  codec: ValueCodec<T>,
): ReconciliationCaseJson {
  return {
    caseId: reconciliation.caseId,
    siblings: reconciliation.siblings.map((sibling) => ({
      region: sibling.hlc.region,
      hlc: formatHlc(sibling.hlc),
      dot: sibling.dot,
      value: codec.serialize(sibling.value),
    })),
    context: reconciliation.context.serialize(),
  };
}

/**
 * Where a write runs: here (`local`), at the owner (`forward-to-owner`), or nowhere (`reject`,
 * naming the owner so the caller can retry there). One pure function of the rollout phase, this
 * region, the operation and the tenant's owner; the table it implements:
 *
 * | phase          | global write class            | owner-only class, ownership ops |
 * | -------------- | ----------------------------- | ------------------------------- |
 * | active-passive | primary region only           | home region only                |
 * | read-local     | home region only              | home region only                |
 * | limited-write  | listed: any region; else home | home region only                |
 * | active-active  | any region                    | home region only                |
 *
 * Owner-only classes follow the tenant's ownership record in every phase, never the phase: a
 * rollout step deploys region by region, so a phase-derived owner would give two regions the
 * authority at once while the step is half deployed. Only a fenced handoff of the ownership record
 * (a transfer or a takeover) moves where they run; tenants never assigned a home belong to the
 * write policy's default home (`defaultHome`, pinned, so changing `primaryRegion` moves nobody).
 * Global classes are CRDTs or domain merges: two regions accepting them during a half-deployed
 * step converge, so the phase may decide them.
 *
 * "Only" means: another region forwards the write to that region, or rejects it naming that
 * region when the call asks for `whenNotOwner: 'reject'` or the request was already forwarded once
 * (a write is never forwarded twice, so a stale ownership view cannot bounce it around).
 *
 * Global write classes are local in any region in active-active (not only for tenants homed
 * there): they are CRDTs or domain merges, so concurrent writes converge, and a phase never allows
 * fewer local writes than the phase before it. Owner-only classes stay with the home in every
 * phase, so listing one in `rollout.limitedWriteClasses` is a configuration error
 * (`assertLimitedWriteClasses`).
 */
import {
  GLOBAL_WRITE_CLASSES,
  isWriteClass,
  OWNERSHIP_OPERATIONS,
  WRITE_CLASS_NAMES,
  WRITE_CLASS_SCOPES,
  type Operation,
  type RolloutPhase,
  type WriteClass,
} from './catalog';
import { describeValue } from './json';

/** What to do with a write this region may not run. */
export type NotOwnerPolicy = 'forward' | 'reject';

/** Everything `decideWrite` looks at. */
export interface WriteContext {
  /** Rollout phase of the operation's data domain (for ownership operations, the global phase). */
  readonly phase: RolloutPhase;
  /** The region deciding (where the request arrived). */
  readonly region: string;
  /** The configured primary region (the only writer in active-passive). */
  readonly primaryRegion: string;
  /** The tenant's home region (from its ownership record). */
  readonly home: string;
  /** The requested operation. */
  readonly operation: Operation;
  /** Write classes that are local everywhere in limited-write (`rollout.limitedWriteClasses`). */
  readonly limitedWriteClasses: readonly WriteClass[];
  /**
   * What to do when this region may not run the write: forward it to the owner, or reject it with
   * the owner's name (e.g. for clients that prefer to retry against the owner themselves).
   * @default 'forward'
   */
  readonly whenNotOwner?: NotOwnerPolicy;
  /**
   * Whether the request was already forwarded by another region. Such a request is run or
   * rejected, never forwarded again.
   * @default false
   */
  readonly forwarded?: boolean;
}

/** The decision. */
export type WriteDecision =
  | { readonly kind: 'local' }
  | { readonly kind: 'forward-to-owner'; readonly owner: string }
  | { readonly kind: 'reject'; readonly owner: string };

/** Decides where a write runs (see the module comment for the table). */
export function decideWrite(context: WriteContext): WriteDecision {
  if (isWritableInAnyRegion(context.phase, context.operation, context.limitedWriteClasses)) {
    return { kind: 'local' };
  }
  const owner = ownerRegionOf(
    context.phase,
    context.primaryRegion,
    context.home,
    context.operation,
  );
  if (context.region === owner) {
    return { kind: 'local' };
  }
  if (context.forwarded === true || (context.whenNotOwner ?? 'forward') === 'reject') {
    return { kind: 'reject', owner };
  }
  return { kind: 'forward-to-owner', owner };
}

/**
 * The region that may run `operation` where it is not writable everywhere: the tenant's home for
 * owner-only classes and ownership operations in every phase; for global classes the primary in
 * `active-passive` (secondaries are standbys) and the home from `read-local` on.
 */
export function ownerRegionOf(
  phase: RolloutPhase,
  primaryRegion: string,
  home: string,
  operation: Operation,
): string {
  if (isOwnershipOperation(operation) || WRITE_CLASS_SCOPES[operation] === 'owner-only') {
    return home;
  }
  switch (phase) {
    case 'active-passive':
      return primaryRegion;
    case 'read-local':
    case 'limited-write':
    case 'active-active':
      return home;
  }
}

/** Whether `operation` may run in any region in `phase`. */
export function isWritableInAnyRegion(
  phase: RolloutPhase,
  operation: Operation,
  limitedWriteClasses: readonly WriteClass[],
): boolean {
  if (isOwnershipOperation(operation) || WRITE_CLASS_SCOPES[operation] === 'owner-only') {
    return false;
  }
  switch (phase) {
    case 'active-passive':
    case 'read-local':
      return false;
    case 'limited-write':
      return limitedWriteClasses.includes(operation);
    case 'active-active':
      return true;
  }
}

/** Whether `operation` is an ownership operation (always owner-only). */
export function isOwnershipOperation(
  operation: Operation,
): operation is (typeof OWNERSHIP_OPERATIONS)[number] {
  return (OWNERSHIP_OPERATIONS as readonly string[]).includes(operation);
}

/**
 * Problems with `rollout.limitedWriteClasses`: unknown names and owner-only classes (which are
 * never local outside the home, so listing them would promise something that cannot happen).
 */
export function limitedWriteClassProblems(classes: readonly string[]): string[] {
  return classes.flatMap((name) => {
    if (!isWriteClass(name)) {
      return [
        `limited write class ${describeValue(name)} is unknown; use one of ${WRITE_CLASS_NAMES.join(', ')}`,
      ];
    }
    if (WRITE_CLASS_SCOPES[name] === 'owner-only') {
      return [
        `limited write class '${name}' is owner-only and always runs in the tenant's home region; remove it (globally writable classes: ${GLOBAL_WRITE_CLASSES.join(', ')})`,
      ];
    }
    return [];
  });
}

/** Throws one configuration error listing every problem of `classes` (call it at startup). */
export function assertLimitedWriteClasses(
  classes: readonly string[],
): asserts classes is WriteClass[] {
  const problems = limitedWriteClassProblems(classes);
  if (problems.length > 0) {
    throw new Error(problems.join('; '));
  }
}

/** One line for logs and API errors explaining a non-local decision. */
export function explainWriteDecision(decision: WriteDecision, context: WriteContext): string {
  if (decision.kind === 'local') {
    return `${context.operation} runs in ${context.region}`;
  }
  const why =
    isOwnershipOperation(context.operation) ||
    WRITE_CLASS_SCOPES[context.operation] === 'owner-only'
      ? `${context.operation} is owner-only and the tenant's home region is ${decision.owner}`
      : context.phase === 'active-passive'
        ? `in phase active-passive only the primary region ${decision.owner} writes`
        : `in phase ${context.phase} ${context.operation} runs in the tenant's home region ${decision.owner}`;
  return decision.kind === 'forward-to-owner'
    ? `${why}; forwarded from ${context.region}`
    : `${why}; send the write to ${decision.owner}`;
}

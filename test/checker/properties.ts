/**
 * The promises of the API, judged on a recorded history and the final state after every fault
 * healed and every mutation was delivered. Each check returns the violations it found, as lines a
 * person can act on; an empty list means the property held.
 *
 * Real-time order is the world's step: `a` precedes `b` when `a.end.step < b.start.step`. An
 * operation "took effect" when acknowledged (2xx), certainly did not when refused (4xx), and
 * nobody can tell when it answered 5xx or threw (outcome unknown).
 */
import type { Operation, History } from './history';
import { keyedCounterOf } from './session';

/** The final state, read after quiescence. */
export interface FinalState {
  /** Object path -> region -> the answer of a `local` read there. */
  readonly reads: ReadonlyMap<
    string,
    ReadonlyMap<string, { status: number; body: Record<string, unknown> }>
  >;
  /** Region -> every item of its replica, as one string. */
  readonly snapshots: ReadonlyMap<string, string>;
}

/** The facts about the world the properties need. */
export interface WorldFacts {
  readonly regions: readonly string[];
  readonly maxSkewMs: number;
  /** Each region's clock offset over time (step from which it held). */
  readonly clockOffsets: ReadonlyArray<{ step: number; region: string; offsetMs: number }>;
}

/** The unknown origin of a transfer whose answer was lost. */
const ANY_REGION = '*';

const objectPath = (tenant: string, collection: string, id: string) =>
  `/v1/tenants/${tenant}/${collection}/${id}`;

function finalBody(final: FinalState, path: string): Record<string, unknown> | undefined {
  const first = final.reads.get(path)?.values().next().value;
  return first?.status === 200 ? first.body : undefined;
}

/** Subset sums of small numbers (the possible effects of unknown outcomes). */
function subsetSums(values: readonly number[]): Set<number> {
  let sums = new Set<number>([0]);
  for (const value of values) sums = new Set([...sums, ...[...sums].map((sum) => sum + value)]);
  return sums;
}

/** (a) Every replica holds the same items, and answers every object identically. */
export function checkConvergence(final: FinalState): string[] {
  const violations: string[] = [];
  const snapshots = [...final.snapshots.entries()];
  const [firstRegion, reference] = snapshots[0] ?? ['', ''];
  for (const [region, snapshot] of snapshots.slice(1)) {
    if (snapshot !== reference) {
      violations.push(
        `(a) replicas ${firstRegion} and ${region} hold different items after full delivery`,
      );
    }
  }
  for (const [path, byRegion] of final.reads) {
    const answers = [...byRegion.entries()].map(
      ([region, answer]) =>
        [region, JSON.stringify({ status: answer.status, body: answer.body })] as const,
    );
    for (const [region, answer] of answers.slice(1)) {
      if (answer !== answers[0]?.[1]) {
        violations.push(
          `(a) ${path} answers differ: ${answers[0]?.[0]} ${answers[0]?.[1]} vs ${region} ${answer}`,
        );
      }
    }
  }
  return violations;
}

/**
 * (b) Each counter equals the sum of acknowledged deltas plus the deltas of some of the
 * increments whose outcome is unknown (and nothing else). Each OR-set holds every element with an
 * acknowledged add that no remove can have causally followed (no remove of it ended after the add
 * started), and no element that was never added.
 */
export function checkCrdts(history: History, final: FinalState): string[] {
  const violations: string[] = [];
  const counters = new Map<string, Operation[]>();
  const sets = new Map<string, Operation[]>();
  for (const operation of history.operations) {
    const op = operation.op;
    if (op.kind === 'counter.add') {
      const path = objectPath(op.tenant, 'counters', op.counter);
      counters.set(path, [...(counters.get(path) ?? []), operation]);
    }
    if (op.kind === 'set.add' || op.kind === 'set.remove') {
      const path = objectPath(op.tenant, 'sets', op.set);
      sets.set(path, [...(sets.get(path) ?? []), operation]);
    }
  }
  for (const [path, operations] of counters) {
    const value = Number(finalBody(final, path)?.value ?? 0);
    const deltaOf = (operation: Operation) => (operation.body as { delta: number }).delta;
    const acknowledged = operations
      .filter((o) => o.outcome === 'ok')
      .reduce((sum, o) => sum + deltaOf(o), 0);
    const unknown = operations.filter((o) => o.outcome === 'unknown').map(deltaOf);
    if (!subsetSums(unknown).has(value - acknowledged)) {
      violations.push(
        `(b) counter ${path} is ${value}: acknowledged increments sum to ${acknowledged} and unknown ones are [${unknown.join(', ')}]`,
      );
    }
  }
  for (const [path, operations] of sets) {
    const elements = new Set((finalBody(final, path)?.elements ?? []) as string[]);
    const elementOf = (operation: Operation) => {
      const op = operation.op as { element: string };
      return op.element;
    };
    const adds = operations.filter((o) => o.op.kind === 'set.add');
    const removes = operations.filter((o) => o.op.kind === 'set.remove' && o.outcome !== 'refused');
    for (const add of adds.filter((o) => o.outcome === 'ok')) {
      const element = elementOf(add);
      const causallyRemovable = removes.some(
        (remove) => elementOf(remove) === element && remove.end.step > add.start.step,
      );
      if (!causallyRemovable && !elements.has(element)) {
        violations.push(
          `(b) set ${path} lost ${element}, acknowledged by #${add.id} and never removed after it`,
        );
      }
    }
    for (const element of elements) {
      if (!adds.some((add) => elementOf(add) === element && add.outcome !== 'refused')) {
        violations.push(`(b) set ${path} holds ${element}, which no request added`);
      }
    }
  }
  return violations;
}

interface AccountView {
  balance: number | null;
  conflicted: boolean;
  entryCount?: number;
  recentEntries?: Array<{ entryId: string; amount: number }>;
  versions?: Array<{ recentEntries?: Array<{ entryId: string }> }>;
  openCases?: Array<{
    caseRef: string;
    versions: Array<{ value: { n?: number; recent?: Array<{ id: string }> } }>;
  }>;
}

/**
 * (c) Ledger: every acknowledged entry is in the account's final balance, in an open
 * reconciliation case of the account, or in a case a person resolved (the person decided); a
 * conflicted account has an open case; an account that is not conflicted has none.
 */
export function checkLedger(history: History, final: FinalState): string[] {
  const violations: string[] = [];
  const accounts = new Map<string, Operation[]>();
  for (const operation of history.operations) {
    if (operation.op.kind !== 'ledger.entry') continue;
    const path = objectPath(operation.op.tenant, 'accounts', operation.op.account);
    accounts.set(path, [...(accounts.get(path) ?? []), operation]);
  }
  const decided = decidedEntries(history);
  for (const [path, operations] of accounts) {
    const account = finalBody(final, path) as AccountView | undefined;
    const inBalance = new Set((account?.recentEntries ?? []).map((entry) => entry.entryId));
    const inOpenCase = new Set(
      (account?.openCases ?? []).flatMap((open) =>
        open.versions.flatMap((version) => (version.value.recent ?? []).map((entry) => entry.id)),
      ),
    );
    // An account keeps its 20 most recent entries: older ones are judged by the balance, which
    // must be the acknowledged amounts plus some of the unknown ones.
    const amountOf = (o: Operation) => (o.op as { amount: number }).amount;
    const olderInBalance =
      account?.conflicted === false &&
      (account.entryCount ?? 0) > (account.recentEntries ?? []).length &&
      subsetSums(operations.filter((o) => o.outcome === 'unknown').map(amountOf)).has(
        (account.balance ?? 0) -
          operations.filter((o) => o.outcome === 'ok').reduce((sum, o) => sum + amountOf(o), 0),
      );
    const olderInCase = (account?.openCases ?? []).some((open) =>
      open.versions.some((version) => (version.value.n ?? 0) > (version.value.recent ?? []).length),
    );
    for (const entry of operations.filter((o) => o.outcome === 'ok')) {
      const id = (entry.op as { entryId: string }).entryId;
      const older = olderInBalance || olderInCase;
      if (!inBalance.has(id) && !inOpenCase.has(id) && !decided.has(id) && !older) {
        violations.push(
          `(c) ${path} lost entry ${id} (acknowledged by #${entry.id}): not in the balance, in no open case, in no resolved case`,
        );
      }
    }
    if (account?.conflicted === true && (account.openCases ?? []).length === 0) {
      violations.push(`(c) ${path} is conflicted but has no open reconciliation case`);
    }
    if (
      account !== undefined &&
      account.conflicted === false &&
      (account.openCases ?? []).length > 0
    ) {
      violations.push(
        `(c) ${path} is not conflicted but case(s) ${(account.openCases ?? []).map((open) => open.caseRef).join(', ')} stay open`,
      );
    }
    if (
      account?.conflicted === false &&
      (account.entryCount ?? 0) <= 20 &&
      account.balance !==
        (account.recentEntries ?? []).reduce((sum, entry) => sum + entry.amount, 0)
    ) {
      violations.push(`(c) ${path} balance ${account.balance} is not the sum of its entries`);
    }
  }
  return violations;
}

/** Entries in any version of a case that a person resolved (acknowledged resolutions). */
function decidedEntries(history: History): Set<string> {
  const decided = new Set<string>();
  for (const resolution of history.operations) {
    if (resolution.outcome !== 'ok' || !resolution.path.startsWith('/v1/reconciliation/')) continue;
    const caseRef = resolution.path.split('/')[3];
    const listing = [...history.operations]
      .reverse()
      .find(
        (o) =>
          o.client === resolution.client && o.id < resolution.id && o.path === '/v1/reconciliation',
      );
    const cases = (listing?.response.cases ?? []) as Array<{
      caseRef: string;
      versions: Array<{ value: { recent?: Array<{ id: string }> } }>;
    }>;
    for (const version of cases.find((entry) => entry.caseRef === caseRef)?.versions ?? []) {
      for (const entry of version.value.recent ?? []) decided.add(entry.id);
    }
  }
  return decided;
}

/**
 * (d) One owner at a time. For each tenant, take every pair of acknowledged owner-only writes
 * (ledger entries) made by different regions — the region is the answer's `X-Served-Region`, where
 * the write was made — in either order, overlapping in time or not. The pair is allowed only if
 * the first region's authority provably ended before the second's began: there is an acknowledged
 * handoff H_out away from the first region and an acknowledged handoff H_in to the second region
 * (the same one for a direct transfer) that can be placed between the two writes in real time
 * (handoffs are acknowledged transfers and operators' forced takeovers):
 * `first.start < H_out.end`, `H_out.start < H_in.end` (or they are the same), and
 * `H_in.start < second.end`. Anything else means two regions accepted owner-only writes without a
 * handoff between them: two owners. Writes a home acknowledges after an operator declared it lost
 * (a forced takeover) are judged by (c) instead: they must surface in reconciliation.
 */
export function checkOneOwner(history: History): string[] {
  const violations: string[] = [];
  const writes = history.operations.filter(
    (o) => o.op.kind === 'ledger.entry' && o.outcome === 'ok',
  );
  const handoffs = [
    // a transfer whose outcome is unknown may have happened: it counts as a handoff from
    // wherever the home was
    ...history.operations
      .filter((o) => o.op.kind === 'home.transfer' && o.outcome !== 'refused')
      .map((o) => ({
        operation: { start: o.start, end: o.end },
        tenant: (o.op as { tenant: string }).tenant,
        from: o.outcome === 'ok' ? o.responseHeaders['x-served-region'] : ANY_REGION,
        to: (o.op as { to: string }).to,
      })),
    // an operator's takeover ends the old home's authority by decree (what it acknowledged
    // afterwards must surface in reconciliation, which (c) checks)
    ...history.handoffs.map((h) => ({
      operation: { start: h.at, end: h.at },
      tenant: h.tenant,
      from: h.from,
      to: h.to,
    })),
  ];
  const regionOf = (write: Operation) => write.responseHeaders['x-served-region'];
  const tenantOf = (operation: Operation) => (operation.op as { tenant: string }).tenant;
  /** Whether `earlier`'s region provably handed authority on before `later`'s region wrote. */
  const handedOver = (earlier: Operation, later: Operation) => {
    const tenant = tenantOf(earlier);
    const out = handoffs.filter(
      (h) =>
        h.tenant === tenant &&
        (h.from === regionOf(earlier) || h.from === ANY_REGION) &&
        earlier.start.step < h.operation.end.step,
    );
    const into = handoffs.filter(
      (h) =>
        h.tenant === tenant && h.to === regionOf(later) && h.operation.start.step < later.end.step,
    );
    return out.some((o) =>
      into.some((i) => o === i || o.operation.start.step < i.operation.end.step),
    );
  };
  const judged = writes.filter((write) => !afterDeclaredLost(history, write));
  judged.forEach((first, index) => {
    for (const second of judged.slice(index + 1)) {
      if (tenantOf(first) !== tenantOf(second) || regionOf(first) === regionOf(second)) continue;
      if (handedOver(first, second) || handedOver(second, first)) continue;
      violations.push(
        `(d) tenant ${tenantOf(first)}: #${first.id} acknowledged by ${regionOf(first)} and #${second.id} by ${regionOf(second)} with no handoff between them`,
      );
    }
  });
  return violations;
}

/**
 * Whether `operation` was answered by a home after an operator declared it lost (a forced
 * takeover of its tenant away from it). What such a home still acknowledges is covered by
 * "nothing lost", not by "one owner" or `strong`: it surfaces in reconciliation, which (c) checks;
 * what it answers to reads comes from what it holds until it hears of the takeover.
 */
function afterDeclaredLost(history: History, write: Operation): boolean {
  const tenant = (write.op as { tenant?: string }).tenant;
  const region = write.responseHeaders['x-served-region'];
  return history.handoffs.some(
    (h) =>
      h.tenant === tenant && h.from === region && h.from !== h.to && h.at.step < write.end.step,
  );
}

/** Whether an ok read's answer includes the effect of an acknowledged write. */
function includes(read: Operation, write: Operation, history: History): boolean {
  const op = write.op;
  const body = read.response;
  switch (op.kind) {
    case 'counter.add':
    case 'counter.add-keyed':
      return true; // counters are judged by their sum below
    case 'set.add': {
      const removedBefore = history.operations.some(
        (o) =>
          o.op.kind === 'set.remove' &&
          o.op.element === op.element &&
          o.outcome !== 'refused' &&
          o.start.step < read.end.step,
      );
      return removedBefore || ((body.elements ?? []) as string[]).includes(op.element);
    }
    case 'profile.patch': {
      const fields = (body.fields ?? {}) as Record<string, unknown>;
      return read.status === 200 && fields[op.field] !== undefined;
    }
    case 'ledger.entry': {
      const account = body as unknown as AccountView;
      const ids = new Set([
        ...(account.recentEntries ?? []).map((entry) => entry.entryId),
        ...(account.versions ?? []).flatMap((version) =>
          (version.recentEntries ?? []).map((entry) => entry.entryId),
        ),
      ]);
      return ids.has(op.entryId);
    }
    default:
      return true;
  }
}

/** The object path a client op writes or reads. */
export function pathOf(operation: Operation): string | undefined {
  const op = operation.op;
  switch (op.kind) {
    case 'counter.add':
      return objectPath(op.tenant, 'counters', op.counter);
    case 'counter.add-keyed':
      return objectPath(op.tenant, 'counters', keyedCounterOf(op.key));
    case 'set.add':
    case 'set.remove':
      return objectPath(op.tenant, 'sets', op.set);
    case 'profile.patch':
      return objectPath(op.tenant, 'profiles', op.profile);
    case 'ledger.entry':
      return objectPath(op.tenant, 'accounts', op.account);
    case 'read':
      return objectPath(
        op.tenant,
        { counter: 'counters', set: 'sets', profile: 'profiles', account: 'accounts' }[op.type],
        op.id,
      );
    default:
      return undefined;
  }
}

/**
 * (e) Reads keep their level's promise. A `read-your-writes` read includes every write its
 * session had acknowledged before it was sent (the writes its token carries); a `strong` read,
 * and any answer that says `X-Staleness-Ms: 0`, includes every write acknowledged before the read
 * began. Counters: the value is at least the sum of the increments it must include.
 */
export function checkReads(history: History): string[] {
  const violations: string[] = [];
  for (const read of history.operations) {
    // a 404 is an answer too: "no such object" must include the same writes
    if (read.op.kind !== 'read' || (read.outcome !== 'ok' && read.status !== 404)) continue;
    // a home an operator declared lost answers from what it has until it hears of the takeover
    if (afterDeclaredLost(history, read)) continue;
    const path = pathOf(read);
    const writes = history.operations.filter(
      (o) =>
        o.op.kind !== 'read' &&
        o.outcome === 'ok' &&
        pathOf(o) === path &&
        !afterDeclaredLost(history, o),
    );
    const required = new Map<number, string>();
    if (read.op.consistency === 'read-your-writes') {
      for (const id of read.sessionWrites) {
        if (writes.some((w) => w.id === id)) required.set(id, 'its session acknowledged');
      }
    }
    const claimsFresh =
      read.op.consistency === 'strong' || read.responseHeaders['x-staleness-ms'] === '0';
    if (claimsFresh) {
      for (const write of writes) {
        if (write.end.step < read.start.step) {
          required.set(write.id, read.op.consistency === 'strong' ? 'strong' : 'X-Staleness-Ms: 0');
        }
      }
    }
    const missing = [...required.entries()].filter(([id]) => {
      const write = writes.find((w) => w.id === id) as Operation;
      return !includes(read, write, history);
    });
    if (read.op.type === 'counter') {
      const needed = [...required.keys()]
        .map((id) => writes.find((w) => w.id === id) as Operation)
        .reduce((sum, w) => sum + (w.body as { delta: number }).delta, 0);
      const value = Number(read.response.value ?? 0);
      if (value < needed) {
        violations.push(
          `(e) #${read.id} ${read.op.consistency} read of ${path} at ${read.region} (served by ${read.responseHeaders['x-served-region']}, staleness ${read.responseHeaders['x-staleness-ms']}) is ${value}, missing acknowledged increments #${[...required.keys()].join(', #')} (sum ${needed})`,
        );
      }
      continue;
    }
    for (const [id, why] of missing) {
      violations.push(
        `(e) #${read.id} ${read.op.consistency} read of ${path} at ${read.region} (served by ${read.responseHeaders['x-served-region']}, status ${read.status}, staleness ${read.responseHeaders['x-staleness-ms']}) misses #${id} (${why})`,
      );
    }
  }
  return violations;
}

/**
 * (f) One effect per `Idempotency-Key`, across regions, within the guarantee docs/api.md states:
 * while the tenant's home answers (the key is claimed there), also across a planned transfer. A
 * keyed increment writes a counter of its own, so the counter's value divided by the delta is the
 * number of effects: at most one, and exactly one when any attempt was acknowledged. Keys outside
 * the guarantee (an attempt claimed away from the home because it did not answer, or a forced
 * takeover between attempts) are not violations; `idempotencyWindow` measures them.
 */
export function checkIdempotency(history: History, final: FinalState): string[] {
  return keyedEffects(history, final)
    .filter((key) => key.guaranteed && (key.effects > 1 || (key.acknowledged && key.effects < 1)))
    .map(
      (key) =>
        `(f) Idempotency-Key ${key.key} had ${key.effects} effects (attempts ${key.attempts.map((a) => `#${a.id} ${a.region} ${a.status}`).join(', ')})`,
    );
}

/** Keys outside the guarantee, and how many of them took effect twice (the stated window). */
export function idempotencyWindow(
  history: History,
  final: FinalState,
): { readonly outside: number; readonly duplicated: number } {
  const outside = keyedEffects(history, final).filter((key) => !key.guaranteed);
  return { outside: outside.length, duplicated: outside.filter((key) => key.effects > 1).length };
}

function keyedEffects(history: History, final: FinalState) {
  const byKey = new Map<string, Operation[]>();
  for (const operation of history.operations) {
    if (operation.op.kind !== 'counter.add-keyed') continue;
    byKey.set(operation.op.key, [...(byKey.get(operation.op.key) ?? []), operation]);
  }
  return [...byKey.entries()].map(([key, attempts]) => {
    const op = (attempts[0] as Operation).op as { tenant: string; delta: number };
    const value = Number(
      finalBody(final, objectPath(op.tenant, 'counters', keyedCounterOf(key)))?.value ?? 0,
    );
    const last = Math.max(...attempts.map((a) => a.end.step));
    const guaranteed =
      !attempts.some((a) =>
        (a.responseHeaders['idempotency-claimed-in'] ?? '').includes('unreachable'),
      ) &&
      // an attempt that failed before answering may have been claimed anywhere
      !attempts.some((a) => a.outcome === 'unknown') &&
      // a forced takeover splits authority until the lost home hears of it
      !history.handoffs.some((h) => h.tenant === op.tenant && h.from !== h.to && h.at.step < last);
    return {
      key,
      attempts,
      effects: value / op.delta,
      acknowledged: attempts.some((attempt) => attempt.outcome === 'ok'),
      guaranteed,
    };
  });
}

/** (g) No region whose own clock is within the bound is refused because of another region's clock. */
export function checkClocks(history: History, facts: WorldFacts): string[] {
  const violations: string[] = [];
  /** Every offset the region's clock had while the request ran. */
  const offsetsDuring = (region: string, start: number, end: number) => {
    const changes = facts.clockOffsets.filter((change) => change.region === region);
    const before = changes.filter((change) => change.step <= start).at(-1)?.offsetMs ?? 0;
    return [
      before,
      ...changes
        .filter((change) => change.step > start && change.step <= end)
        .map((c) => c.offsetMs),
    ];
  };
  for (const operation of history.operations) {
    const error = operation.response.error as { code?: string } | undefined;
    if (error?.code !== 'clock_skew') continue;
    const offsets = offsetsDuring(operation.region, operation.start.step, operation.end.step);
    if (offsets.every((offset) => Math.abs(offset) <= facts.maxSkewMs)) {
      violations.push(
        `(g) #${operation.id} was refused with clock_skew by ${operation.region}, whose clock was ${offsets.join(', ')} ms off while it ran (within the ${facts.maxSkewMs} ms bound)`,
      );
    }
  }
  return violations;
}

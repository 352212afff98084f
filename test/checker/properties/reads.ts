import type { History, Operation } from '../history';
import type { AccountView } from './ledger';
import { afterDeclaredLost } from './one-owner';
import { pathOf } from './state';

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

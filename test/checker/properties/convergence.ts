import type { History, Operation } from '../history';
import { finalBody, objectPath, subsetSums, type FinalState } from './state';

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

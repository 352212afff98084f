import type { History, Operation } from '../history';
import { keyedCounterOf } from '../session';
import { finalBody, objectPath, type FinalState } from './state';

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

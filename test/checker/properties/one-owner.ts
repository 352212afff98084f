import type { History, Operation } from '../history';

/** The unknown origin of a transfer whose answer was lost. */
const ANY_REGION = '*';

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
export function afterDeclaredLost(history: History, write: Operation): boolean {
  const tenant = (write.op as { tenant?: string }).tenant;
  const region = write.responseHeaders['x-served-region'];
  return history.handoffs.some(
    (h) =>
      h.tenant === tenant && h.from === region && h.from !== h.to && h.at.step < write.end.step,
  );
}

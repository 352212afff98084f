import type { History } from '../history';
import type { WorldFacts } from './state';

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

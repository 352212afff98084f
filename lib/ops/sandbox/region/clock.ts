/**
 * The region's own clock: `Date` with an offset the hub can change at any time (`aactl sandbox
 * clock <region> +5000`). Installed before any handler bundle is loaded, so `Date.now`, `new
 * Date()` and `Date()` in the handlers (and the AWS SDK) all read the region's time. Timers are
 * not affected: a skewed clock does not make time pass faster.
 */

/** Controls the offset of the patched clock. */
export interface OffsetClock {
  /** The current offset (ms). */
  offset(): number;
  setOffset(ms: number): void;
}

/** Replace the global `Date` by one that is `offset` ms ahead of the real clock. */
export function installOffsetClock(initialOffsetMs = 0): OffsetClock {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  let offsetMs = initialOffsetMs;
  const now = () => realNow() + offsetMs;
  const patched = new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget) {
      const values = args.length === 0 ? [now()] : args;
      return Reflect.construct(target, values, newTarget) as object;
    },
    apply() {
      return new RealDate(now()).toString();
    },
    get(target, property, receiver) {
      if (property === 'now') return now;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  globalThis.Date = patched;
  return {
    offset: () => offsetMs,
    setOffset: (ms) => {
      if (!Number.isFinite(ms)) throw new Error(`clock offset must be a number of ms, got ${ms}`);
      offsetMs = ms;
    },
  };
}

/**
 * Hybrid logical clock (Kulkarni et al., 2014): timestamps that follow the wall clock, never go
 * backwards, and order every event after the events it has seen, even across regions whose clocks
 * disagree a little. The region id breaks ties, so the order is total: no two writes share a stamp.
 */
import { assertRegionId, compareStrings, describeValue } from './json';

/** One HLC timestamp. */
export interface HlcTimestamp {
  /** Physical part: milliseconds since the epoch, the largest wall time this clock has seen. */
  readonly wallMs: number;
  /** Logical part: orders events that share `wallMs`. */
  readonly logical: number;
  /** The region that issued the stamp; breaks ties so the order is total. */
  readonly region: string;
}

/** Largest logical counter the string form can hold. */
export const MAX_LOGICAL = 999_999;

/** Largest wall time the string form can hold (9999-12-31T23:59:59.999Z). */
export const MAX_WALL_MS = 253_402_300_799_999;

/**
 * Default bound on how far a remote stamp may be ahead of the local wall clock. Lambda clocks are
 * kept within milliseconds by the Amazon Time Sync Service, so a stamp a minute ahead means a broken
 * clock or a forged stamp; adopting it would drag every later stamp into the future.
 */
const DEFAULT_MAX_SKEW_MS = 60_000;

/** Builds a timestamp after checking every part. */
export function hlcTimestamp(wallMs: number, logical: number, region: string): HlcTimestamp {
  if (!Number.isSafeInteger(wallMs) || wallMs < 0 || wallMs > MAX_WALL_MS) {
    throw new Error(
      `hlc wall time must be an integer 0-${MAX_WALL_MS} ms, got ${describeValue(wallMs)}`,
    );
  }
  if (!Number.isSafeInteger(logical) || logical < 0 || logical > MAX_LOGICAL) {
    throw new Error(
      `hlc logical counter must be an integer 0-${MAX_LOGICAL}, got ${describeValue(logical)}`,
    );
  }
  assertRegionId(region, 'hlc region');
  return { wallMs, logical, region };
}

/** Total order: wall time, then logical counter, then region id (code-unit order). */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): -1 | 0 | 1 {
  if (a.wallMs !== b.wallMs) {
    return a.wallMs < b.wallMs ? -1 : 1;
  }
  if (a.logical !== b.logical) {
    return a.logical < b.logical ? -1 : 1;
  }
  return compareStrings(a.region, b.region) as -1 | 0 | 1;
}

/**
 * String form, e.g. `2024-06-01T12:00:00.000Z-000003-eu-west-1`. Fixed-width ISO time and counter,
 * so plain string comparison gives the same order as `compareHlc` (usable as a sort key).
 */
export function formatHlc(timestamp: HlcTimestamp): string {
  const iso = new Date(timestamp.wallMs).toISOString();
  return `${iso}-${String(timestamp.logical).padStart(6, '0')}-${timestamp.region}`;
}

const HLC_STRING = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-(\d{6})-(.+)$/;

/** Parses the string form; throws a clear error on anything else. */
export function parseHlc(text: unknown): HlcTimestamp {
  const match = typeof text === 'string' ? HLC_STRING.exec(text) : null;
  const wallMs = match?.[1] === undefined ? Number.NaN : Date.parse(match[1]);
  if (!match || Number.isNaN(wallMs) || new Date(wallMs).toISOString() !== match[1]) {
    throw new Error(
      `hlc must look like 2024-06-01T12:00:00.000Z-000003-eu-west-1, got ${describeValue(text)}`,
    );
  }
  return hlcTimestamp(wallMs, Number(match[2]), match[3] ?? '');
}

/** Options of a hybrid logical clock. */
export interface HybridLogicalClockOptions {
  /** The region this clock stamps events for. */
  readonly region: string;
  /**
   * How far this region's own clock may be from AWS time before it refuses to stamp writes (the
   * service checks it; `receive` never refuses a stamp). @default DEFAULT_MAX_SKEW_MS (60 s)
   */
  readonly maxSkewMs?: number;
  /**
   * The wall clock, in epoch milliseconds.
   * @default Date.now
   */
  readonly wallClock?: () => number;
}

/**
 * One clock per process (per Lambda execution environment). `now()` stamps local writes;
 * `receive()` folds in a stamp read from another region so later local stamps order after it.
 */
export class HybridLogicalClock {
  readonly region: string;
  readonly maxSkewMs: number;
  private readonly wallClock: () => number;
  private last: HlcTimestamp | undefined;

  constructor(options: HybridLogicalClockOptions) {
    assertRegionId(options.region, 'clock region');
    const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    if (!Number.isSafeInteger(maxSkewMs) || maxSkewMs < 0) {
      throw new Error(
        `hlc maxSkewMs must be a non-negative integer, got ${describeValue(maxSkewMs)}`,
      );
    }
    this.region = options.region;
    this.maxSkewMs = maxSkewMs;
    this.wallClock = options.wallClock ?? Date.now;
  }

  /** The last stamp this clock issued, if any. */
  get latest(): HlcTimestamp | undefined {
    return this.last;
  }

  /** Stamps a local event: strictly after every stamp this clock issued or received. */
  now(): HlcTimestamp {
    return this.advance(this.readWall(), undefined);
  }

  /**
   * Folds in a remote stamp and stamps the local event that saw it: the result is strictly after
   * both the remote stamp and every earlier local stamp. A remote stamp ahead of the local wall
   * clock is taken as it is (the logical part orders the events until the wall clock catches up),
   * never refused: a healthy region must not be blocked by another region's fast clock. How far
   * ahead it was is kept in `aheadMs` for the skew metric; the region with the bad clock refuses
   * its own writes (it checks its clock against AWS time).
   */
  receive(remote: HlcTimestamp | string): HlcTimestamp {
    const stamp = typeof remote === 'string' ? parseHlc(remote) : remote;
    const wallMs = this.readWall();
    this.aheadMs = Math.max(0, stamp.wallMs - wallMs);
    return this.advance(wallMs, stamp);
  }

  /** How far ahead of the local wall clock the last received stamp was (ms). */
  aheadMs = 0;

  private advance(wallMs: number, remote: HlcTimestamp | undefined): HlcTimestamp {
    const previous = this.last;
    const previousWall = previous?.wallMs ?? -1;
    const remoteWall = remote?.wallMs ?? -1;
    const nextWall = Math.max(wallMs, previousWall, remoteWall);
    let logical = 0;
    if (nextWall === previousWall && nextWall === remoteWall) {
      logical = Math.max(previous?.logical ?? 0, remote?.logical ?? 0) + 1;
    } else if (nextWall === previousWall) {
      logical = (previous?.logical ?? 0) + 1;
    } else if (nextWall === remoteWall) {
      logical = (remote?.logical ?? 0) + 1;
    }
    if (logical > MAX_LOGICAL) {
      throw new Error(
        `hlc logical counter overflowed at ${new Date(nextWall).toISOString()} in ${this.region}: more than ${MAX_LOGICAL} events without the wall clock moving; check this host's clock`,
      );
    }
    const next = hlcTimestamp(nextWall, logical, this.region);
    this.last = next;
    return next;
  }

  private readWall(): number {
    const wall = this.wallClock();
    if (!Number.isFinite(wall) || wall < 0 || wall > MAX_WALL_MS) {
      throw new Error(
        `hlc wall clock returned ${describeValue(wall)}; it must return epoch milliseconds`,
      );
    }
    return Math.floor(wall);
  }
}

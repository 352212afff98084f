import { isoSeconds } from '../duration';
import { isDrillMethod, type DrillMethod } from './method';

/**
 * The drill lock: a tag (`aa:drill-lock`) on the target region's health check, written before a
 * drill changes anything and removed after the restore is verified. It records what a later
 * `aactl drill restore` needs to undo the drill if its process died.
 *
 * The value is a compact `key=value` string rather than JSON because tag values only allow
 * letters, digits, spaces and `_ . : / = + - @`.
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_Tag.html
 */
export interface DrillLock {
  /** Drill id, also the report file name. */
  readonly drillId: string;
  /** Process id of the `aactl` that runs the drill. */
  readonly pid: number;
  /** Host name of the machine that runs the drill. */
  readonly host: string;
  /** When the drill took the lock. */
  readonly startedAt: Date;
  /** When the drill will have finished at the latest; a lock older than this is stale. */
  readonly until: Date;
  /** How the drill takes the region out. */
  readonly method: DrillMethod;
  /** The region being drilled. */
  readonly region: string;
  /** The health check's `Inverted` value before the drill (restored afterwards). */
  readonly originalInverted: boolean;
}

/** Version marker at the start of every lock value. */
export const LOCK_VERSION = 'v1';

/** Tag values are at most 256 characters. */
const MAX_TAG_VALUE = 256;

/** Serialize a lock into a tag value. */
export function formatLock(lock: DrillLock): string {
  const value = [
    LOCK_VERSION,
    `id=${safe(lock.drillId)}`,
    `region=${safe(lock.region)}`,
    `method=${lock.method}`,
    `inverted=${lock.originalInverted}`,
    `pid=${lock.pid}`,
    `host=${safe(lock.host).slice(0, 63)}`,
    `at=${isoSeconds(lock.startedAt)}`,
    `until=${isoSeconds(lock.until)}`,
  ].join(' ');
  return value.slice(0, MAX_TAG_VALUE);
}

/** The result of reading a lock tag: the lock, or why it cannot be read. */
export type ParsedLock = { ok: true; lock: DrillLock } | { ok: false; error: string };

/** Parse a tag value written by {@link formatLock}. */
export function parseLock(value: string): ParsedLock {
  const [version, ...pairs] = value.trim().split(/\s+/);
  if (version !== LOCK_VERSION) {
    return { ok: false, error: `unknown lock format ${JSON.stringify(value.slice(0, 40))}` };
  }
  const fields = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0) fields.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const missing = ['id', 'region', 'method', 'inverted', 'pid', 'host', 'at', 'until'].filter(
    (key) => !fields.has(key),
  );
  if (missing.length > 0) return { ok: false, error: `lock lacks ${missing.join(', ')}` };
  const method = fields.get('method') ?? '';
  const inverted = fields.get('inverted');
  const pid = Number(fields.get('pid'));
  const startedAt = new Date(fields.get('at') ?? '');
  const until = new Date(fields.get('until') ?? '');
  if (!isDrillMethod(method)) return { ok: false, error: `lock has unknown method ${method}` };
  if (inverted !== 'true' && inverted !== 'false') {
    return { ok: false, error: `lock has inverted=${inverted}, expected true or false` };
  }
  if (!Number.isInteger(pid) || pid <= 0) return { ok: false, error: 'lock has a bad pid' };
  if (Number.isNaN(startedAt.getTime()) || Number.isNaN(until.getTime())) {
    return { ok: false, error: 'lock has a bad timestamp' };
  }
  return {
    ok: true,
    lock: {
      drillId: fields.get('id') ?? '',
      region: fields.get('region') ?? '',
      method,
      originalInverted: inverted === 'true',
      pid,
      host: fields.get('host') ?? '',
      startedAt,
      until,
    },
  };
}

/** Whether the drill that holds a lock still runs. */
export type LockLiveness = 'running' | 'stale';

/** What the CLI knows about the machine it runs on, to judge a lock. */
export interface LockObserver {
  /** Current time. */
  readonly now: Date;
  /** This machine's host name. */
  readonly hostname: string;
  /** Whether a process id is alive on this machine. */
  readonly pidAlive: (pid: number) => boolean;
}

/**
 * Judge a lock: stale when past its deadline, or when it was taken on this host by a process that
 * is gone; otherwise (another host, before its deadline) assume the drill still runs.
 */
export function assessLock(
  lock: DrillLock,
  observer: LockObserver,
): { liveness: LockLiveness; reason: string } {
  if (observer.now.getTime() > lock.until.getTime()) {
    return { liveness: 'stale', reason: `past its deadline ${isoSeconds(lock.until)}` };
  }
  if (lock.host === safe(observer.hostname).slice(0, 63)) {
    return observer.pidAlive(lock.pid)
      ? { liveness: 'running', reason: `pid ${lock.pid} is alive on ${lock.host}` }
      : { liveness: 'stale', reason: `pid ${lock.pid} is gone from ${lock.host}` };
  }
  return {
    liveness: 'running',
    reason: `held by pid ${lock.pid} on ${lock.host} until ${isoSeconds(lock.until)}`,
  };
}

/** Keep only characters Route 53 accepts in tag values (and no spaces, which separate fields). */
function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.:/+\-@]/g, '_');
}

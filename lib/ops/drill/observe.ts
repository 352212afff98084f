import { answerExcludes, answerIncludes, type RegionFingerprints } from '../dns-answer';
import { formatDuration } from '../duration';
import { firstLineOf } from '../error-line';
import type { Route53Gateway, TaggedHealthCheck } from '../gateways/route53';
import { readHealth, type HealthState } from '../health';
import {
  probeVantages,
  readFingerprints,
  type DnsProbeTarget,
  type OpsGateways,
  type VantageAnswer,
} from '../live';
import { isAbortError, type Clock, type Sleep } from '../progress';
import type { VantagePoint } from '../vantage-points';

/**
 * Watching a drill take effect (or be undone): poll the target's health check and what DNS answers
 * from every vantage point until both agree with what is wanted, or a deadline passes. It records
 * whether anything was observed at all, so a drill never reports a convergence it did not see.
 */

/** What observing needs. */
export interface ObserveContext {
  readonly gateways: Pick<OpsGateways, 'route53'>;
  readonly clock: Clock;
  readonly sleep: Sleep;
}

/** One observation run. */
export interface ObserveInput {
  readonly target: string;
  readonly check: TaggedHealthCheck;
  /** The health the target should reach. */
  readonly want: HealthState;
  /** Vantages whose baseline answered; empty when DNS cannot be observed. */
  readonly vantages: readonly VantagePoint[];
  readonly baseline: readonly VantageAnswer[];
  readonly probe: DnsProbeTarget;
  readonly fingerprints: { current: RegionFingerprints };
  readonly startMs: number;
  readonly deadlineMs: number;
  readonly pollMs: number;
  readonly signal: AbortSignal;
  /** Checked every tick; throws to end the drill (stop conditions). */
  readonly guard?: () => Promise<void>;
  readonly onTick: (text: string) => void;
}

/** What was seen. */
export interface ObserveResult {
  /** When the health check reached the wanted state. */
  readonly healthAtMs?: number;
  /** When DNS agreed from every vantage (never set without vantages). */
  readonly dnsAtMs?: number;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly lastState: HealthState | undefined;
  readonly lastAnswers: readonly VantageAnswer[];
  readonly lastError?: string;
  /** Whether the health check's status was read at least once. */
  readonly healthRead: boolean;
  /** Whether at least one vantage answered at least once. */
  readonly dnsAnswered: boolean;
}

/** What every vantage answered before the drill. */
export interface Baseline {
  /** The answers of the vantages that answered. */
  readonly answers: VantageAnswer[];
  /** Vantages whose query failed: they cannot be compared later, so the drill observes without. */
  readonly failed: { region: string; error: string }[];
}

/** Read the record fingerprints, then what DNS answers from every vantage point. */
export async function readBaseline(
  route53: Route53Gateway,
  probe: DnsProbeTarget,
  vantages: readonly VantagePoint[],
  fingerprints: { current: RegionFingerprints },
): Promise<Baseline> {
  fingerprints.current = await readFingerprints(route53, probe);
  const answers = await probeVantages(route53, probe, vantages, fingerprints);
  return {
    answers: answers.filter((answer) => answer.error === undefined),
    failed: answers.flatMap((answer) =>
      answer.error !== undefined ? [{ region: answer.vantage.region, error: answer.error }] : [],
    ),
  };
}

/**
 * Poll until the target reaches the wanted health and DNS agrees (out of every answer, or back in
 * every answer that had it before), or the deadline passes. Without vantages only health is
 * awaited and DNS stays unobserved. Transient API errors are retried.
 */
export async function observe(ctx: ObserveContext, input: ObserveInput): Promise<ObserveResult> {
  const { route53 } = ctx.gateways;
  const observable = input.vantages.length > 0;
  let healthAtMs: number | undefined;
  let dnsAtMs: number | undefined;
  let lastState: HealthState | undefined;
  let lastAnswers: readonly VantageAnswer[] = [];
  let lastError: string | undefined;
  let healthRead = false;
  let dnsAnswered = false;
  const hadTarget = new Set(
    input.baseline
      .filter((answer) => answerIncludes(answer.mapped, input.target))
      .map((answer) => answer.vantage.region),
  );
  const result = (timedOut: boolean, aborted: boolean): ObserveResult => ({
    ...(healthAtMs !== undefined ? { healthAtMs } : {}),
    ...(dnsAtMs !== undefined ? { dnsAtMs } : {}),
    timedOut,
    aborted,
    lastState,
    lastAnswers,
    ...(lastError !== undefined ? { lastError } : {}),
    healthRead,
    dnsAnswered,
  });
  for (;;) {
    await input.guard?.();
    if (input.signal.aborted) return result(false, true);
    try {
      if (healthAtMs === undefined) {
        const details = await route53.getHealthCheck(input.check.id);
        const observations = await route53.getHealthCheckStatus(input.check.id);
        healthRead = true;
        lastState = readHealth(observations, details).state;
        if (lastState === input.want) healthAtMs = ctx.clock.now();
      }
      if (observable && dnsAtMs === undefined) {
        lastAnswers = await probeVantages(route53, input.probe, input.vantages, input.fingerprints);
        if (lastAnswers.some((answer) => answer.error === undefined)) dnsAnswered = true;
        if (lastAnswers.every((answer) => settled(answer, input, hadTarget))) {
          dnsAtMs = ctx.clock.now();
        }
      }
      lastError = firstError(lastAnswers);
    } catch (error) {
      if (isAbortError(error) && input.signal.aborted) return result(false, true);
      lastError = firstLineOf(error);
    }
    const now = ctx.clock.now();
    if (healthAtMs !== undefined && (dnsAtMs !== undefined || !observable)) {
      return result(false, false);
    }
    if (now >= input.deadlineMs) return result(true, false);
    const moved = lastAnswers.filter((answer) => settled(answer, input, hadTarget)).length;
    input.onTick(
      `${formatDuration(now - input.startMs)}: health ${healthAtMs !== undefined ? input.want : (lastState ?? '…')}` +
        (!observable
          ? ', DNS not observed (no vantage)'
          : dnsAtMs === undefined
            ? `, DNS ${moved}/${input.vantages.length} vantages moved`
            : ', DNS done') +
        (lastError ? ` (last error: ${lastError})` : ''),
    );
    try {
      await ctx.sleep(Math.min(input.pollMs, Math.max(0, input.deadlineMs - now)), input.signal);
    } catch (error) {
      if (!isAbortError(error)) throw error;
    }
  }
}

/** Whether a vantage's answer is where the drill wants it. */
function settled(
  answer: VantageAnswer,
  input: Pick<ObserveInput, 'want' | 'target'>,
  hadTarget: ReadonlySet<string>,
): boolean {
  if (answer.error !== undefined) return false;
  return input.want === 'unhealthy'
    ? answerExcludes(answer.mapped, input.target)
    : !hadTarget.has(answer.vantage.region) || answerIncludes(answer.mapped, input.target);
}

function firstError(answers: readonly VantageAnswer[]): string | undefined {
  const failed = answers.find((answer) => answer.error !== undefined);
  return failed === undefined ? undefined : `${failed.vantage.region}: ${failed.error}`;
}

/** Why observing timed out, in one line with the fix. */
export function observeTimeoutMessage(
  target: string,
  observeTimeoutMs: number,
  observed: Pick<ObserveResult, 'healthAtMs' | 'lastError' | 'lastAnswers'>,
): string {
  const what =
    observed.healthAtMs === undefined
      ? `the health check of ${target} did not report unhealthy`
      : `DNS still answered with ${target} from ${observed.lastAnswers
          .filter((answer) => answer.error === undefined && !answerExcludes(answer.mapped, target))
          .map((answer) => answer.vantage.region)
          .join(', ')}`;
  const cause = observed.lastError ? ` (last error: ${observed.lastError})` : '';
  return `${what} within ${formatDuration(observeTimeoutMs)}${cause}; raise --observe-timeout or check the health check and records`;
}

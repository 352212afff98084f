/**
 * How Route 53 answers a query from a zone's records, as a pure function: alias records followed
 * to their targets (an alias's TTL is its target's), latency records by the client's nearest
 * region, failover PRIMARY while healthy else SECONDARY, health checks and evaluate-target-health
 * deciding which records are healthy, and fail-open: when every record of a group is unhealthy,
 * Route 53 treats them all as healthy (latency: the nearest of all; failover: the primary).
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html
 */
import { normalizeName, type RecordSetSpec } from './deployment';

/** What answering needs besides the records. */
export interface AnswerContext {
  readonly records: readonly RecordSetSpec[];
  /** Route 53's view of a health check (after thresholds and `Inverted`). */
  isHealthy(healthCheckId: string): boolean;
  /** Addresses of a name outside the zone (an AWS endpoint such as an API Gateway domain). */
  endpointAddresses(name: string): readonly string[] | undefined;
  /** TTL of an AWS endpoint's answer (an alias to it takes this TTL). */
  readonly endpointTtlSeconds: number;
  /** The latency from the client to a region (smaller is nearer). */
  latency(region: string): number;
}

/** One answer. */
export interface DnsAnswerResult {
  readonly code: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';
  readonly type: string;
  readonly values: readonly string[];
  readonly ttlSeconds: number;
  /** Record sets chosen on the way, e.g. `failover.api.example.com PRIMARY`. */
  readonly path: readonly string[];
}

interface Evaluation {
  readonly exists: boolean;
  readonly values: readonly string[];
  readonly ttlSeconds: number;
  /** Whether what was chosen is healthy (what evaluate-target-health on an alias to it sees). */
  readonly healthy: boolean;
  readonly path: readonly string[];
}

const MAX_DEPTH = 8;

/** Answer `name` of `type` for a client. */
export function answerQuery(ctx: AnswerContext, name: string, type: string): DnsAnswerResult {
  try {
    const result = evaluate(ctx, normalizeName(name), type.toUpperCase(), 0);
    return {
      code: result.exists ? 'NOERROR' : 'NXDOMAIN',
      type: type.toUpperCase(),
      values: result.values,
      ttlSeconds: result.ttlSeconds,
      path: result.path,
    };
  } catch {
    return { code: 'SERVFAIL', type: type.toUpperCase(), values: [], ttlSeconds: 0, path: [] };
  }
}

function evaluate(ctx: AnswerContext, name: string, type: string, depth: number): Evaluation {
  if (depth > MAX_DEPTH) throw new Error(`alias chain too deep at ${name}`);
  const sets = ctx.records.filter((record) => record.name === name && record.type === type);
  if (sets.length === 0) {
    const addresses = type === 'A' ? ctx.endpointAddresses(name) : undefined;
    if (addresses !== undefined) {
      return {
        exists: true,
        values: addresses,
        ttlSeconds: ctx.endpointTtlSeconds,
        healthy: true,
        path: [name],
      };
    }
    const exists = ctx.records.some((record) => record.name === name);
    return { exists, values: [], ttlSeconds: 0, healthy: exists, path: [] };
  }
  if (sets.some((record) => record.failover !== undefined)) return failover(ctx, sets, depth);
  if (sets.some((record) => record.region !== undefined)) return latency(ctx, sets, depth);
  return recordAnswer(ctx, sets[0] as RecordSetSpec, depth);
}

/** The answer of one record, and whether Route 53 counts it healthy. */
function recordAnswer(ctx: AnswerContext, record: RecordSetSpec, depth: number): Evaluation {
  const label = `${record.name}${record.setIdentifier === undefined ? '' : ` ${record.setIdentifier}`}`;
  const checked = record.healthCheckId === undefined || ctx.isHealthy(record.healthCheckId);
  if (record.alias !== undefined) {
    const target = evaluate(ctx, record.alias.dnsName, record.type, depth + 1);
    const healthy = checked && (!record.alias.evaluateTargetHealth || target.healthy);
    return { ...target, exists: true, healthy, path: [label, ...target.path] };
  }
  return {
    exists: true,
    values: record.values ?? [],
    ttlSeconds: record.ttlSeconds ?? 300,
    healthy: checked,
    path: [label],
  };
}

function latency(ctx: AnswerContext, sets: readonly RecordSetSpec[], depth: number): Evaluation {
  const answers = sets.map((record) => ({ record, answer: recordAnswer(ctx, record, depth) }));
  const healthy = answers.filter((entry) => entry.answer.healthy);
  // fail-open: every member unhealthy, so Route 53 answers as if all were healthy
  const pool = healthy.length > 0 ? healthy : answers;
  const nearest = [...pool].sort(
    (a, b) => ctx.latency(a.record.region ?? '') - ctx.latency(b.record.region ?? ''),
  )[0] as (typeof answers)[number];
  return { ...nearest.answer, healthy: healthy.length > 0 };
}

function failover(ctx: AnswerContext, sets: readonly RecordSetSpec[], depth: number): Evaluation {
  const primary = sets.find((record) => record.failover === 'PRIMARY');
  const secondary = sets.find((record) => record.failover === 'SECONDARY');
  const primaryAnswer = primary === undefined ? undefined : recordAnswer(ctx, primary, depth);
  if (primaryAnswer?.healthy === true) return primaryAnswer;
  const secondaryAnswer = secondary === undefined ? undefined : recordAnswer(ctx, secondary, depth);
  if (secondaryAnswer?.healthy === true) return secondaryAnswer;
  // fail-open: both unhealthy, so Route 53 answers with the primary
  const fallback = primaryAnswer ?? secondaryAnswer;
  if (fallback === undefined) throw new Error('a failover name without records');
  return { ...fallback, healthy: false };
}

import { WRITE_CLASS_NAMES } from '../../../lambda/contract/rollout';
import type { CostAssumptions } from './assumptions';
import { ALARMS_PER_REGION } from './billed-resources';
import type { Traffic } from './inputs';
import type { PriceTable } from './prices';

/** The assumptions as sentences, for the output. */
export function describeAssumptions(
  traffic: Traffic,
  assumptions: CostAssumptions,
  table: PriceTable,
): string[] {
  const mix = WRITE_CLASS_NAMES.map(
    (name) => `${name} ${Math.round(assumptions.writeMix[name] * 1000) / 10}%`,
  ).join(', ');
  return [
    `prices: ${table.region} on-demand list prices as of ${table.asOf} (${table.currency}), no free tier; every region priced as ${table.region}`,
    `a month is 730 hours; traffic is steady: ${traffic.readsPerSecond} reads/s, ${traffic.writesPerSecond} writes/s, items of ${traffic.itemKb} KB, ${traffic.storageGb} GB stored per replica`,
    'reads are eventually consistent (0.5 read unit per 4 KB); each write first makes ' +
      `${assumptions.consistentReadsPerWrite} strongly consistent read`,
    `every write is billed one replicated write unit per KB in every replica (global tables)`,
    `active-passive sends all traffic to the primary; from read-local on, ${Math.round(assumptions.homeAffinity * 100)}% of writes arrive in the tenant's home region and requests spread evenly over regions`,
    `write mix: ${mix}`,
    `a forwarded write runs against the owner's replica from where it arrived: +${assumptions.forwardExtraMs} ms of Lambda and 2 x item size of inter-region transfer, no extra API request`,
    `Lambda: ${assumptions.lambdaMemoryMb} MB Arm, ${assumptions.apiAverageMs} ms per API call; conflict feed ${assumptions.feedRecordsPerInvocation} records per ${assumptions.feedAverageMs} ms invocation; ${assumptions.logKbPerInvocation} KB of logs per invocation`,
    `health checks billed as AWS endpoints; each is probed by ${assumptions.checkersPerCheckerRegion} checkers per checker region, and every probe is an API request`,
    `${assumptions.metricsPerRegion} custom metrics per region plus one replication-lag metric per other region; ${ALARMS_PER_REGION} alarms per region plus one per other region, the primary's open-case alarm and one health alarm per region in us-east-1; a dashboard per region and a global one; a KMS key per alarm topic`,
    'not included: DNS queries, the hosted zone, data transfer to the internet, Secrets Manager, the per-minute heartbeat and authorizer invocations, support',
  ];
}

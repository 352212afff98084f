import { WRITE_CLASS_NAMES, type WriteClass } from '../../../lambda/contract/rollout';
import { FUNCTION_DEFAULTS } from '../../config/defaults';

/** What the cost model assumes beyond traffic and prices. */

/** Everything the model assumes beyond traffic and prices (all shown in the output). */
export interface CostAssumptions {
  /** Share of writes per write class (normalized to sum 1). */
  readonly writeMix: Readonly<Record<WriteClass, number>>;
  /** Share of writes arriving in the tenant's home region once every region serves. */
  readonly homeAffinity: number;
  /** Strongly consistent reads each write makes first (read-modify-write of its slot). */
  readonly consistentReadsPerWrite: number;
  /** Memory of every function, MB. */
  readonly lambdaMemoryMb: number;
  /** Average duration of an API invocation, ms. */
  readonly apiAverageMs: number;
  /** Extra duration of a forwarded write (waiting on the owner's replica), ms. */
  readonly forwardExtraMs: number;
  /** Change records per conflict-feed invocation. */
  readonly feedRecordsPerInvocation: number;
  /** Average duration of a conflict-feed invocation, ms. */
  readonly feedAverageMs: number;
  /** Route 53 health checkers per checker region (each probes once per interval). */
  readonly checkersPerCheckerRegion: number;
  /** Log volume per invocation, KB. */
  readonly logKbPerInvocation: number;
  /** Custom metrics per region besides one replication-lag metric per other region. */
  readonly metricsPerRegion: number;
}

/** The default assumptions. */
export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  writeMix: Object.fromEntries(
    WRITE_CLASS_NAMES.map((name) => [name, 1 / WRITE_CLASS_NAMES.length]),
  ) as Record<WriteClass, number>,
  homeAffinity: 0.8,
  consistentReadsPerWrite: 1,
  lambdaMemoryMb: FUNCTION_DEFAULTS.memoryMb,
  apiAverageMs: 40,
  forwardExtraMs: 150,
  feedRecordsPerInvocation: 10,
  feedAverageMs: 50,
  checkersPerCheckerRegion: 2,
  logKbPerInvocation: 1,
  // Conflicts and ConflictResolutionMs per data domain (2 x 5), ReconciliationCasesOpened,
  // ForwardedWrites, RefusedWrites, DivergentEntities, ConflictFeedFailedRecords,
  // OpenReconciliationCases, OldestOpenCaseAgeSeconds (lambda/contract/metrics.ts).
  metricsPerRegion: 18,
};

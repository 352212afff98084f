/**
 * What each read consistency level costs, through the real API handler over the in-memory
 * replicas of three regions: replica calls and sequential round trips (how many waits on a
 * replica a request makes one after the other, and how many of those cross a region), and
 * in-process time per request, against a local read of the same object. For a globally writable
 * type (counters) and an owner-only one (ledger accounts), with the session's last write
 * replicated to the reading region and with it still in flight (a lagging local replica).
 *
 * Round trips are counted by the `calls` hook every `MemoryReplica` and `MemoryIdempotencyStore`
 * takes (it sees every "SDK call"): calls issued together (Promise.all) wait for the same wave, so
 * the number of waves is the request's sequential round trips.
 */
import {
  MemoryIdempotencyStore,
  MemoryReplica,
  type CallHook,
  type ReplicaCall,
} from '../../lambda/adapters/memory-replica';
import { makeHandler } from '../../lambda/handlers/api';
import type { HttpEvent, HttpResult } from '../../lambda/handlers/http';
import type { MemoryGlobalTable } from '../../lambda/replication/memory-table';
import { apiDeps, httpEvent, memoryTable, type Recorded } from '../../test/helpers/api-harness';
import { fixed, latencyPercentiles, median, type BenchCheck, type BenchSuite } from '../harness';

const REGIONS: readonly string[] = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
/** Every read is served in this region; tenants are homed in the primary, us-east-1. */
const READER = 'eu-west-1';
/** Timing: rounds of every level in turn, sequential requests per level per round. */
const ROUNDS = 7;
const REQUESTS_PER_ROUND = 400;

/** Counts replica calls and groups them into waves of calls made together. */
class CallLog {
  private counting = false;
  private waiting: Array<{ call: ReplicaCall; release: () => void }> = [];

  readonly hook: CallHook = async (call, run) => {
    if (this.counting) {
      await new Promise<void>((release) => this.waiting.push({ call, release }));
    }
    return run();
  };

  /** Runs one request, releasing the waiting calls one wave at a time. */
  async waves<T>(request: () => Promise<T>): Promise<{ result: T; waves: ReplicaCall[][] }> {
    this.counting = true;
    let settled = false;
    const pending = request();
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    const waves: ReplicaCall[][] = [];
    try {
      for (let idle = 0; !settled;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.waiting.length === 0) {
          idle += 1;
          if (idle > 100) throw new Error('the request waits on something other than a replica');
          continue;
        }
        idle = 0;
        const wave = this.waiting.splice(0);
        waves.push(wave.map((entry) => entry.call));
        for (const entry of wave) entry.release();
      }
    } finally {
      this.counting = false;
    }
    return { result: await pending, waves };
  }
}

/** Three regions' handlers over one in-memory table, every replica call through `log`. */
function world(log: CallLog) {
  const table: MemoryGlobalTable = memoryTable(REGIONS);
  const recorded: Recorded = { metrics: [], errors: [] };
  const handlers = new Map(
    REGIONS.map((region) => [
      region,
      makeHandler(
        apiDeps(
          {
            regions: REGIONS,
            region,
            replicas: (target) =>
              new MemoryReplica({ table, region: target, caller: region, calls: log.hook }),
            idempotency: new MemoryIdempotencyStore(table, region, { calls: log.hook }),
            idempotencyIn: (target) =>
              new MemoryIdempotencyStore(table, target, { calls: log.hook, caller: region }),
          },
          recorded,
        ),
      ),
    ]),
  );
  const handler = (region: string) =>
    handlers.get(region) as (event: HttpEvent) => Promise<HttpResult>;
  return { table, recorded, handler };
}

interface DataClass {
  readonly name: string;
  readonly path: string;
  /** Where the session writes, and the write. */
  readonly writeIn: string;
  readonly write: (index: number) => HttpEvent;
}

const CLASSES: DataClass[] = [
  {
    name: 'counter (globally writable)',
    path: '/v1/tenants/t1/counters/c1',
    writeIn: 'ap-southeast-2',
    write: () => httpEvent('POST', '/v1/tenants/t1/counters/c1', { body: { delta: 1 } }),
  },
  {
    name: 'ledger account (owner-only, home us-east-1)',
    path: '/v1/tenants/t2/accounts/a1',
    writeIn: 'us-east-1',
    write: (index) =>
      httpEvent('POST', '/v1/tenants/t2/accounts/a1/entries', {
        body: { entryId: `bench-${index}`, amount: 1, currency: 'EUR' },
      }),
  },
];

interface Row {
  readonly dataClass: string;
  readonly level: string;
  readonly status: number;
  readonly served: string;
  readonly calls: number;
  readonly remoteCalls: number;
  readonly roundTrips: number;
  readonly remoteRoundTrips: number;
  readonly p50: number;
  readonly p99: number;
  /** Median over rounds of p50 / the local read's p50 in the same round. */
  readonly vsLocal: number;
}

export const suite: BenchSuite = {
  name: 'consistency',
  title: 'Consistency levels: round trips and in-process time',
  description: `Each read consistency level through the real API handler (\`makeHandler\`) over the in-memory replicas of ${REGIONS.join(', ')}, reading in ${READER}: replica calls and sequential round trips (all, and those that cross a region), and in-process time with no network: p50/p99 of ${REQUESTS_PER_ROUND} sequential requests per level, every level in turn for ${ROUNDS} rounds (medians over rounds; the ratio is the median of per-round ratios). Baseline: a \`local\` read of the same object in the same rounds. \`quorum\` is refused (422) since [K]; it is shown with what the refusal costs.`,
  async run(context) {
    const rows: Row[] = [];
    for (const dataClass of CLASSES) {
      const log = new CallLog();
      const { table, recorded, handler } = world(log);
      const reader = handler(READER);
      let writes = 0;
      const write = async () => {
        const answer = await handler(dataClass.writeIn)(dataClass.write(writes));
        writes += 1;
        if (answer.statusCode >= 300) {
          throw new Error(
            `${dataClass.name}: setup write answered ${answer.statusCode}: ${answer.body}`,
          );
        }
        return answer.headers['x-session-token'] as string;
      };
      // One state serves every level: the session's first write replicated everywhere, its
      // second still in flight (reads change nothing, so the state holds for every request).
      const replicatedToken = await write();
      table.deliverAll();
      const inFlightToken = await write();
      const read = (consistency: string, token?: string) => () =>
        reader(
          httpEvent('GET', dataClass.path, {
            headers: { consistency, ...(token === undefined ? {} : { 'x-session-token': token }) },
          }),
        );
      const levels: Array<{ level: string; request: () => Promise<HttpResult> }> = [
        { level: 'local (baseline)', request: read('local') },
        {
          level: `read-your-writes, session's write in ${dataClass.writeIn} replicated here`,
          request: read('read-your-writes', replicatedToken),
        },
        {
          level: `read-your-writes, session's write in ${dataClass.writeIn} not replicated here yet`,
          request: read('read-your-writes', inFlightToken),
        },
        { level: 'strong', request: read('strong') },
        { level: 'quorum', request: read('quorum') },
      ];
      const counted = [];
      for (const { level, request } of levels) {
        const { result, waves } = await log.waves(request);
        counted.push({ level, result, waves });
      }
      const timings = levels.map(() => ({ p50: [] as number[], p99: [] as number[] }));
      for (let round = 1; round <= ROUNDS; round += 1) {
        context.log(`consistency: ${dataClass.name}, round ${round}/${ROUNDS}`);
        for (const [index, { request }] of levels.entries()) {
          const timing = await latencyPercentiles(REQUESTS_PER_ROUND, request, 50);
          timings[index]?.p50.push(timing.p50);
          timings[index]?.p99.push(timing.p99);
        }
      }
      const local = timings[0] as { p50: number[] };
      for (const [index, { level, result, waves }] of counted.entries()) {
        const timing = timings[index] as { p50: number[]; p99: number[] };
        const calls = waves.flat();
        rows.push({
          dataClass: dataClass.name,
          level,
          status: result.statusCode,
          served:
            result.statusCode === 422
              ? `refused: ${(JSON.parse(result.body) as { error: { code: string } }).error.code}`
              : `${result.headers['x-served-region'] ?? '?'} (${result.headers['x-consistency'] ?? '?'})`,
          calls: calls.length,
          remoteCalls: calls.filter((call) => call.region !== call.caller).length,
          roundTrips: waves.length,
          remoteRoundTrips: waves.filter((wave) => wave.some((call) => call.region !== call.caller))
            .length,
          p50: median(timing.p50),
          p99: median(timing.p99),
          vsLocal: median(timing.p50.map((p50, round) => p50 / (local.p50[round] as number))),
        });
      }
      if (recorded.errors.length > 0) {
        throw new Error(
          `${dataClass.name}: the handler logged errors: ${JSON.stringify(recorded.errors)}`,
        );
      }
    }
    const quorumRows = rows.filter((row) => row.level === 'quorum');
    const checks: BenchCheck[] = [
      {
        description:
          'quorum reads are refused with 422 (consistency_unavailable), touching no replica',
        passed: quorumRows.every((row) => row.status === 422 && row.calls === 0),
        detail: quorumRows.map((row) => `${row.status}, ${row.calls} calls`).join('; '),
      },
      {
        description: 'a local read stays in its region',
        passed: rows
          .filter((row) => row.level.startsWith('local'))
          .every((row) => row.remoteCalls === 0 && row.status === 200),
        detail: rows
          .filter((row) => row.level.startsWith('local'))
          .map((row) => `${row.remoteCalls} remote calls`)
          .join('; '),
      },
    ];
    return {
      tables: [
        {
          columns: [
            'data class',
            'level',
            'status',
            'served by (consistency)',
            'replica calls (remote)',
            'round trips (cross-region)',
            'p50 ms',
            'p99 ms',
            'p50 vs local read',
          ],
          rows: rows.map((row) => [
            row.dataClass,
            row.level,
            row.status,
            row.served,
            `${row.calls} (${row.remoteCalls})`,
            `${row.roundTrips} (${row.remoteRoundTrips})`,
            fixed(row.p50, 4),
            fixed(row.p99, 4),
            fixed(row.vsLocal),
          ]),
        },
      ],
      checks,
      notes: [
        'Round trips are what a real request waits for one after the other; on AWS each is a DynamoDB call of a few milliseconds in the region, tens to hundreds across regions, so the round-trip columns predict latency better than the in-process times, which exclude the network.',
        `One state serves every level: the session wrote twice in the writing region; the first write was delivered to every replica ("replicated here", read with that write's session token), the second is still in flight to ${READER} ("not replicated here yet", read with the newer token).`,
      ],
    };
  },
};

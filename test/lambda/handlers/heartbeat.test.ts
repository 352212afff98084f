import type { ReplicaVersionReader } from '../../../lambda/adapters/divergence-probe';
import type { ItemVersion } from '../../../lambda/app/divergence';
import type { ObjectKey } from '../../../lambda/domain/storage-layout';
import {
  makeHeartbeatHandler,
  productionHeartbeatDeps,
  type HeartbeatDeps,
} from '../../../lambda/handlers/heartbeat';

const HERE = 'eu-west-1';
const THERE = 'us-east-1';
const GRACE_MS = 60_000;
const NOW = 10_000_000;
const LEDGER: ObjectKey = { tenantId: 't1', type: 'ledger-account', objectId: 'a' };

/** What one replica holds: heartbeats by origin, slots by entity. */
interface FakeReplica {
  heartbeats: Map<string, ItemVersion[]>;
  slots: Map<string, ItemVersion[]>;
  unreachable?: boolean;
}

function replicaOf(fake: FakeReplica): ReplicaVersionReader {
  const guard = () => {
    if (fake.unreachable === true) throw new Error(`TimeoutError: no answer`);
  };
  return {
    heartbeat: async (origin) => (guard(), fake.heartbeats.get(origin) ?? []),
    slots: async (key) => (guard(), fake.slots.get(key.objectId) ?? []),
  };
}

const heartbeatOf = (origin: string, sentAtMs: number): ItemVersion => ({
  key: `__control__|heartbeat#${origin}`,
  version: sentAtMs,
  writtenAtMs: sentAtMs,
  periodic: true,
});

const slotOf = (rev: number, writtenAtMs: number): ItemVersion => ({
  key: `T#t1#ledger-account#a|S#${THERE}`,
  version: rev,
  writtenAtMs,
});

/** A probe over two fake replicas; everything it does is recorded. */
function probe(
  options: {
    readonly here?: Partial<FakeReplica>;
    readonly there?: Partial<FakeReplica>;
    readonly criticalEntities?: readonly ObjectKey[] | undefined;
    readonly openCases?: { open: number; oldestAgeSeconds: number };
  } = {},
) {
  const replicas: Record<string, FakeReplica> = {
    [HERE]: { heartbeats: new Map(), slots: new Map(), ...options.here },
    [THERE]: {
      heartbeats: new Map([[THERE, [heartbeatOf(THERE, NOW - 1_000)]]]),
      slots: new Map(),
      ...options.there,
    },
  };
  const sent: number[] = [];
  const logs: Array<{ level: string; message: string; details?: Record<string, unknown> }> = [];
  const metrics: Array<{ name: string; value: number; unit: string }> = [];
  let flushes = 0;
  const deps: HeartbeatDeps = {
    config: { region: HERE, regions: [THERE, HERE], graceMs: GRACE_MS },
    writeHeartbeat: async (nowMs) => {
      sent.push(nowMs);
    },
    criticalEntities: async () =>
      'criticalEntities' in options ? options.criticalEntities : [LEDGER],
    replica: (region) => replicaOf(replicas[region]!),
    openCases: async () => options.openCases ?? { open: 0, oldestAgeSeconds: 0 },
    now: () => NOW,
    log: {
      info: (message, details) => logs.push({ level: 'info', message, details }),
      warn: (message, details) => logs.push({ level: 'warn', message, details }),
      error: (message, details) => logs.push({ level: 'error', message, details }),
    },
    metric: (name, value, unit) => metrics.push({ name, value, unit }),
    flushMetrics: () => {
      flushes += 1;
    },
  };
  return { run: makeHeartbeatHandler(deps), sent, logs, metrics, flushes: () => flushes };
}

describe('the replication heartbeat', () => {
  test('writes its heartbeat and publishes 0 when the replicas agree', async () => {
    // GIVEN a local replica that holds the other region's heartbeat and the ledger's slot
    const slot = slotOf(3, NOW - 120_000);
    const { run, sent, logs, metrics, flushes } = probe({
      here: {
        heartbeats: new Map([[THERE, [heartbeatOf(THERE, NOW - 1_000)]]]),
        slots: new Map([['a', [slot]]]),
      },
      there: {
        heartbeats: new Map([[THERE, [heartbeatOf(THERE, NOW - 1_000)]]]),
        slots: new Map([['a', [slot]]]),
      },
    });
    // WHEN the schedule runs it
    const result = await run();
    // THEN it wrote its own heartbeat now, found nothing, and said so with zeros
    expect(sent).toEqual([NOW]);
    expect(result).toEqual({ region: HERE, divergentEntities: 0, checked: 2, openCases: 0 });
    expect(metrics).toEqual([
      { name: 'DivergentEntities', value: 0, unit: 'Count' },
      { name: 'OpenReconciliationCases', value: 0, unit: 'Count' },
      { name: 'OldestOpenCaseAgeSeconds', value: 0, unit: 'Seconds' },
    ]);
    expect(flushes()).toBe(1);
    expect(logs).toEqual([]);
  });

  test('counts an entity whose remote version is missing here past the grace period', async () => {
    // GIVEN a ledger slot the other replica has held for two minutes and this one lacks
    const { run, logs, metrics } = probe({
      here: { heartbeats: new Map([[THERE, [heartbeatOf(THERE, NOW - 1_000)]]]) },
      there: {
        heartbeats: new Map([[THERE, [heartbeatOf(THERE, NOW - 1_000)]]]),
        slots: new Map([['a', [slotOf(4, NOW - 120_000)]]]),
      },
    });
    // WHEN it runs THEN the entity is divergent, logged with what is missing
    const result = await run();
    expect(result.divergentEntities).toBe(1);
    expect(metrics[0]).toEqual({ name: 'DivergentEntities', value: 1, unit: 'Count' });
    expect(logs).toEqual([
      {
        level: 'error',
        message: 'replicas diverge',
        details: {
          details: [
            {
              entity: 't1/ledger-account/a',
              remoteRegion: THERE,
              missing: [`T#t1#ledger-account#a|S#${THERE}`],
            },
          ],
        },
      },
    ]);
  });

  test('does not count a fresh remote write that may still be replicating', async () => {
    const { run } = probe({
      here: { heartbeats: new Map([[THERE, [heartbeatOf(THERE, NOW - 1_000)]]]) },
      there: { slots: new Map([['a', [slotOf(4, NOW - 5_000)]]]) },
    });
    expect((await run()).divergentEntities).toBe(0);
  });

  test('counts a stuck heartbeat: the local copy has not moved for longer than the grace', async () => {
    // GIVEN the other region's heartbeat arrived here last 10 minutes ago
    const { run } = probe({
      here: { heartbeats: new Map([[THERE, [heartbeatOf(THERE, NOW - 600_000)]]]) },
    });
    expect(await run()).toMatchObject({ divergentEntities: 1, checked: 2 });
  });

  test('checks heartbeats only, with a warning, while the observability item is missing', async () => {
    const { run, logs } = probe({ criticalEntities: undefined });
    const result = await run();
    expect(result.checked).toBe(1);
    expect(logs).toContainEqual({
      level: 'warn',
      message: 'observability config item missing: checking heartbeats only',
      details: { hint: 'deploy the data stack; a new replica receives the item by replication' },
    });
  });

  test('an unreachable region is an outage, logged, not divergence', async () => {
    const { run, logs, metrics } = probe({ there: { unreachable: true } });
    const result = await run();
    expect(result).toMatchObject({ divergentEntities: 0, checked: 0 });
    expect(logs).toEqual([
      {
        level: 'warn',
        message: 'divergence probe could not read a replica',
        details: { remoteRegion: THERE, error: 'Error: TimeoutError: no answer' },
      },
    ]);
    expect(metrics.map(({ name }) => name)).toContain('DivergentEntities');
  });

  test('publishes the open reconciliation cases and the oldest one age', async () => {
    const { run, metrics } = probe({ openCases: { open: 3, oldestAgeSeconds: 7_200 } });
    expect((await run()).openCases).toBe(3);
    expect(metrics.slice(1)).toEqual([
      { name: 'OpenReconciliationCases', value: 3, unit: 'Count' },
      { name: 'OldestOpenCaseAgeSeconds', value: 7_200, unit: 'Seconds' },
    ]);
  });
});

describe('heartbeat production wiring', () => {
  const environment = {
    AWS_REGION: HERE,
    APP_REGIONS: `${THERE},${HERE}`,
    TABLE_NAME: 'shop-data',
    APP_NAME: 'shop',
  };

  test('reads its environment once, with the default grace, without touching AWS', () => {
    const deps = productionHeartbeatDeps(environment);
    expect(deps.config).toEqual({
      region: HERE,
      regions: [THERE, HERE],
      tableName: 'shop-data',
      appName: 'shop',
      graceMs: 300_000,
    });
    expect(deps.replica(THERE)).toBe(deps.replica(THERE));
  });

  test('names a bad grace period', () => {
    expect(() => productionHeartbeatDeps({ ...environment, DIVERGENCE_GRACE_MS: '10' })).toThrow(
      'DIVERGENCE_GRACE_MS must be an integer of at least 1000, got "10"; redeploy the stack',
    );
  });
});

/**
 * The history driver: runs concurrent clients against the world while time passes, mutations are
 * delivered and faults are injected, all interleaved by a scheduler (fast-check's, so a failing
 * interleaving is reproduced from the seed and shrunk); then heals everything, lets replication
 * and the conflict feeds finish, and reads the final state.
 */
import type { WritePolicyInput } from '../../lambda/domain/write-policy';
import type { ClientOp, History } from './history';
import { pathOf, type FinalState, type WorldFacts } from './properties';
import { Session } from './session';
import type { CallFault, CheckerWorld, Interleaver } from './world';

/** A fault or event the chaos actor applies. */
export type ChaosEvent =
  | { readonly kind: 'partition'; readonly a: string; readonly b: string }
  | { readonly kind: 'heal' }
  | { readonly kind: 'pause'; readonly region: string }
  | { readonly kind: 'resume' }
  | { readonly kind: 'isolate'; readonly region: string }
  | { readonly kind: 'reconnect' }
  | { readonly kind: 'clock'; readonly region: string; readonly offsetMs: number }
  | {
      /** A rollout step: the new policy reaches the regions one at a time, in this order. */
      readonly kind: 'rollout';
      readonly policy: Partial<Omit<WritePolicyInput, 'region'>>;
      readonly order: readonly string[];
    }
  | { readonly kind: 'fault'; readonly fault: CallFault }
  | {
      /** An operator takes the tenant over into `to` (its home is declared lost). */
      readonly kind: 'takeover';
      readonly tenant: string;
      readonly to: string;
    };

/** What one run does. */
export interface Plan {
  /** Per client, the requests it sends in order. */
  readonly clients: ReadonlyArray<
    ReadonlyArray<{ readonly region: string; readonly op: ClientOp }>
  >;
  readonly chaos: readonly ChaosEvent[];
  /** Each tick moves true time on by this many ms and runs the conflict feeds. */
  readonly ticks: readonly number[];
}

/** A recorded run. */
export interface Run {
  readonly history: History;
  readonly final: FinalState;
  readonly facts: WorldFacts;
}

/** Applies one chaos event (a rollout step takes one turn per region). */
async function applyChaos(
  world: CheckerWorld,
  event: ChaosEvent,
  history: History,
  turn: (label: string) => Promise<void>,
): Promise<void> {
  const record = (description: string): void => {
    history.faults.push({ at: world.nextStep(), description });
  };
  switch (event.kind) {
    case 'partition':
      if (event.a !== event.b) world.store.partition(event.a, event.b);
      return record(`partition ${event.a} | ${event.b}`);
    case 'heal':
      world.store.heal();
      return record('heal every partition');
    case 'pause':
      world.store.pause(event.region);
      return record(`pause replication of ${event.region}`);
    case 'resume':
      world.store.resume();
      return record('resume replication');
    case 'isolate':
      world.store.unreachable.add(event.region);
      return record(`${event.region}'s replica unreachable`);
    case 'reconnect':
      world.store.unreachable.clear();
      return record('every replica reachable');
    case 'clock':
      world.setClockOffset(event.region, event.offsetMs);
      return record(
        `${event.region}'s clock ${event.offsetMs >= 0 ? '+' : ''}${event.offsetMs} ms`,
      );
    case 'rollout':
      for (const region of event.order) {
        await turn(`deploy ${region}`);
        world.deployPolicy(region, event.policy);
        record(`deploy ${JSON.stringify(event.policy)} to ${region}`);
      }
      return;
    case 'fault':
      world.inject(event.fault);
      return record(`arm fault ${JSON.stringify(event.fault)}`);
    case 'takeover': {
      let result: Awaited<ReturnType<CheckerWorld['takeOver']>>;
      try {
        result = await world.takeOver(event.tenant, event.to);
      } catch (error) {
        // the operator's call failed (e.g. the new home's replica did not answer): nothing changed
        return record(`takeover of ${event.tenant} into ${event.to} failed: ${String(error)}`);
      }
      history.handoffs.push({
        at: world.instant(),
        tenant: event.tenant,
        ...(result.kind === 'taken-over'
          ? { from: result.previous.home, to: result.next.home, epoch: result.next.epoch }
          : { from: event.to, to: event.to, epoch: result.ownership.epoch }),
      });
      return record(`takeover of ${event.tenant} into ${event.to}: ${result.kind}`);
    }
  }
}

/** Runs a plan under `interleaver` (every replica call and actor step waits for its turn). */
export async function runPlan(
  world: CheckerWorld,
  plan: Plan,
  interleaver: Interleaver & { waitFor<T>(task: Promise<T>): Promise<T> },
): Promise<Run> {
  const history: History = { operations: [], faults: [], handoffs: [] };
  world.interleaver = interleaver;
  const turn = (label: string) => interleaver.turn(label);
  const clients = plan.clients.map(async (requests, client) => {
    const session = new Session(world, history, client + 1);
    for (const { region, op } of requests) {
      await turn(`client ${client + 1} next`);
      await session.run(region, op);
    }
  });
  const ticker = (async () => {
    for (const ms of plan.ticks) {
      await turn('tick');
      await world.store.tick(ms);
      await world.runFeeds();
    }
  })();
  const chaos = (async () => {
    for (const event of plan.chaos) {
      await turn('chaos');
      await applyChaos(world, event, history, turn);
    }
  })();
  await interleaver.waitFor(Promise.all([...clients, ticker, chaos]));
  world.interleaver = undefined;
  return finish(world, history);
}

/** Heals everything, lets replication and feeds finish, and reads the final state. */
export async function finish(world: CheckerWorld, history: History): Promise<Run> {
  world.interleaver = undefined;
  await world.quiesce();
  const paths = new Set<string>();
  for (const operation of history.operations) {
    const path = pathOf(operation);
    if (path !== undefined) paths.add(path);
  }
  const reads = new Map<string, Map<string, { status: number; body: Record<string, unknown> }>>();
  for (const path of [...paths].sort()) {
    const byRegion = new Map<string, { status: number; body: Record<string, unknown> }>();
    for (const region of world.regions) {
      const answer = await world.request(region, 'GET', path, {
        headers: { consistency: 'local' },
      });
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      byRegion.set(region, { status: answer.statusCode, body });
    }
    reads.set(path, byRegion);
  }
  const snapshots = new Map<string, string>();
  for (const region of world.regions) snapshots.set(region, await world.store.snapshot(region));
  return {
    history,
    final: { reads, snapshots },
    facts: {
      regions: world.regions,
      maxSkewMs: world.maxSkewMs,
      clockOffsets: world.clockLog,
    },
  };
}

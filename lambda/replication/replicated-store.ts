/**
 * What every store built on the replication engine offers the code that drives it (tests, the
 * consistency checker, the sandbox): its regions, the faults of the links between them, and the
 * mutations still on their way. The in-memory table and the DynamoDB Local replicator extend it.
 */
import type { Delivery, DeliveryFilter, ReplicationEngine } from './engine';

/** A set of replicas kept in step by a replication engine. */
export abstract class ReplicatedStore {
  constructor(
    /** The engine moving mutations between the replicas. */
    readonly engine: ReplicationEngine,
  ) {}

  /** Every region with a replica. */
  get regions(): readonly string[] {
    return this.engine.regions;
  }

  /** Stops replication between `a` and `b`, both ways; queued mutations wait, none is lost. */
  partition(a: string, b: string): void {
    this.engine.partition(a, b);
  }

  /** Heals the link between `a` and `b`, or every link when no region is named. */
  heal(a?: string, b?: string): void {
    this.engine.heal(a, b);
  }

  /** Pauses a region's replication: nothing leaves or reaches it until `resume`. */
  pause(region: string): void {
    this.engine.pause(region);
  }

  /** Resumes a paused region, or every region when none is named. */
  resume(region?: string): void {
    this.engine.resume(region);
  }

  /** Undelivered mutations (blocked ones too). */
  pending(filter: DeliveryFilter = {}): Delivery[] {
    return this.engine.pending(filter);
  }
}

import { Duration } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { dnsNamesOf, originNameOf } from '../../lambda/contract/naming';
import type { RolloutPhase } from '../../lambda/contract/rollout';
import { DEFAULT_RECORD_TTL_SECONDS } from '../config/defaults';
import { publicAliasTargetOf } from '../rollout/model';
import { NamedAliasTarget } from './alias-targets';

/** Properties of {@link GlobalTraffic}. */
export interface GlobalTrafficProps {
  /** The hosted zone holding every record. */
  readonly zone: route53.IHostedZone;
  /** Public API name (e.g. api.example.com). */
  readonly publicName: string;
  /** Rollout phase: active-passive points the public name at the failover pair, later phases at the latency set. */
  readonly phase: RolloutPhase;
  /** Every region, primary first (published in the discovery record). */
  readonly regions: readonly string[];
  /** The primary region. */
  readonly primaryRegion: string;
  /**
   * Route 53 health-check id of the primary region (its failover PRIMARY record carries it).
   */
  readonly primaryHealthCheckId: string;
  /**
   * TTL of the non-alias discovery record (alias records take the TTL of their target); config
   * keeps it at 1-60 s (`recordTtlSeconds`) so caches never hold failover back.
   * @default Duration.seconds(60)
   */
  readonly recordTtl?: Duration;
}

/**
 * The front door: the public name as a plain alias to either the failover pair (active-passive)
 * or the latency set (every later phase), and both members of the failover pair: the PRIMARY
 * aliases the primary region's origin name with the primary's health check, the SECONDARY
 * aliases the standby latency set of the secondary regions. Moving between phases changes only
 * the alias target of the public name, never the routing policy of a name; changing the primary
 * changes only the PRIMARY's target and health check, in one update of this stack (after the
 * region stacks, so the new primary's origin record exists).
 */
export class GlobalTraffic extends Construct {
  /** The public record. */
  readonly publicRecord: route53.ARecord;

  constructor(scope: Construct, id: string, props: GlobalTrafficProps) {
    super(scope, id);
    const names = dnsNamesOf(props.publicName);
    const zoneId = props.zone.hostedZoneId;
    const ttl = props.recordTtl ?? Duration.seconds(DEFAULT_RECORD_TTL_SECONDS);

    new route53.ARecord(this, 'FailoverPrimaryRecord', {
      zone: props.zone,
      recordName: names.failover,
      comment: `primary (${props.primaryRegion}) of the active-passive failover pair`,
      failover: route53.Failover.PRIMARY,
      setIdentifier: 'primary',
      healthCheck: route53.HealthCheck.fromHealthCheckId(
        this,
        'PrimaryHealthCheck',
        props.primaryHealthCheckId,
      ),
      target: route53.RecordTarget.fromAlias(
        new NamedAliasTarget(originNameOf(props.publicName, props.primaryRegion), zoneId, true),
      ),
    });

    new route53.ARecord(this, 'FailoverSecondaryRecord', {
      zone: props.zone,
      recordName: names.failover,
      comment: 'secondary of the active-passive failover pair: the healthy standby regions',
      failover: route53.Failover.SECONDARY,
      setIdentifier: 'secondary',
      target: route53.RecordTarget.fromAlias(new NamedAliasTarget(names.standby, zoneId, true)),
    });

    // The one record the phase changes: a plain alias, re-pointed between two sets that always
    // exist, so no name ever changes routing policy (see lib/rollout/model.ts, frontDoorOf).
    const frontDoor = publicAliasTargetOf(props.publicName, props.phase);
    this.publicRecord = new route53.ARecord(this, 'PublicRecord', {
      zone: props.zone,
      recordName: props.publicName,
      comment: `public API name (${props.phase})`,
      target: route53.RecordTarget.fromAlias(new NamedAliasTarget(frontDoor, zoneId, true)),
    });

    new route53.TxtRecord(this, 'DiscoveryRecord', {
      zone: props.zone,
      recordName: `_aa.${props.publicName}`,
      comment: 'machine-readable deployment facts for clients and aactl',
      ttl,
      values: [
        `phase=${props.phase}`,
        `primary=${props.primaryRegion}`,
        `regions=${props.regions.join(',')}`,
      ],
    });
  }
}

import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { GlobalTraffic } from '../constructs/global-traffic';
import { regionsPrimaryFirst } from '../rollout/model';

/** Properties of {@link GlobalStack}. */
export interface GlobalStackProps extends StackProps {
  /** Validated app config. */
  readonly config: AppConfig;
}

/**
 * The global front door, deployed after every region stack because its aliases point at the
 * records those stacks create (Route 53 refuses an alias to a name that does not exist yet).
 */
export class GlobalStack extends Stack {
  /** The public DNS name and failover secondary. */
  readonly traffic: GlobalTraffic;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id, props);
    const { config } = props;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.hostedZone.id,
      zoneName: config.hostedZone.name,
    });
    this.traffic = new GlobalTraffic(this, 'Traffic', {
      zone,
      publicName: config.publicName,
      phase: config.rollout.phase,
      regions: regionsPrimaryFirst(config),
      primaryRegion: config.primaryRegion,
      recordTtl: Duration.seconds(config.recordTtlSeconds),
    });
  }
}

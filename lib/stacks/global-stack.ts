import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { AppConfig } from '../config';
import { GlobalMonitoring } from '../constructs/global-monitoring';
import { GlobalTraffic } from '../constructs/global-traffic';
import { HealthCheckLookup } from '../constructs/health-check-lookup';
import { logSettingsOf } from '../constructs/log-settings';

/** Properties of {@link GlobalStack}. */
export interface GlobalStackProps extends StackProps {
  /** Validated app config. */
  readonly config: AppConfig;
}

/**
 * The global front door and what only us-east-1 can watch, deployed after every region stack:
 * its aliases point at records those stacks create (Route 53 refuses an alias to a name that does
 * not exist yet), and it finds their health checks by tag.
 */
export class GlobalStack extends Stack {
  /** The public DNS name and the failover pair. */
  readonly traffic: GlobalTraffic;
  /** Each serving region's health-check id, found at deploy time. */
  readonly healthChecks: HealthCheckLookup;
  /** Health alarms of every region and the global dashboard. */
  readonly monitoring: GlobalMonitoring;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id, props);
    const { config } = props;
    const regions = config.servingRegions;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.hostedZone.id,
      zoneName: config.hostedZone.name,
    });
    this.healthChecks = new HealthCheckLookup(this, 'HealthChecks', {
      appName: config.appName,
      regions,
      deployId: config.deployId,
      logs: logSettingsOf(config),
    });
    const healthCheckIds = Object.fromEntries(
      regions.map((region) => [region, this.healthChecks.healthCheckIdOf(region)]),
    );
    this.traffic = new GlobalTraffic(this, 'Traffic', {
      zone,
      publicName: config.publicName,
      phase: config.rollout.phase,
      regions,
      primaryRegion: config.primaryRegion,
      primaryHealthCheckId: healthCheckIds[config.primaryRegion]!,
      recordTtl: Duration.seconds(config.recordTtlSeconds),
    });
    this.monitoring = new GlobalMonitoring(this, 'Monitoring', {
      appName: config.appName,
      tableName: config.tableName,
      regions,
      healthCheckIds,
      ...(config.alarmEmail === undefined ? {} : { alarmEmail: config.alarmEmail }),
    });
  }
}

import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { serializeWritePolicy, WRITE_POLICY_ENV } from '../../lambda/contract/rollout';
import { regionalNameOf, type AppConfig } from '../config';
import { ConflictFeed } from '../constructs/conflict-feed';
import { logSettingsOf } from '../constructs/log-settings';
import { RegionAlarms } from '../constructs/region-alarms';
import { RegionDashboard } from '../constructs/region-dashboard';
import { RegionalApi } from '../constructs/regional-api';
import { RegionalTraffic } from '../constructs/regional-traffic';
import { ReplicationHeartbeat } from '../constructs/replication-heartbeat';
import { sessionKeySecretName } from '../constructs/session-key';
import { WRITE_POLICY_OUTPUT, writePolicyOf } from '../rollout/model';

/** Properties of {@link RegionStack}. */
export interface RegionStackProps extends StackProps {
  /** Validated app config. */
  readonly config: AppConfig;
}

/**
 * Everything one region serves: the API (function, HTTP API, custom domains, certificate) and the
 * region's DNS share (health check, pinned record, latency and failover members). Self-contained:
 * table, zone and names come from config, so nothing references another region's stack.
 */
export class RegionStack extends Stack {
  /** The regional API. */
  readonly api: RegionalApi;
  /** The conflict feed (this region's stream consumer). */
  readonly conflictFeed: ConflictFeed;
  /** The region's replication heartbeat (lag per region pair). */
  readonly heartbeat: ReplicationHeartbeat;
  /** The region's alarms and their topic. */
  readonly alarms: RegionAlarms;
  /** The region's DNS share. */
  readonly traffic: RegionalTraffic;
  /** The region's dashboard. */
  readonly dashboard: RegionDashboard;

  constructor(scope: Construct, id: string, props: RegionStackProps) {
    super(scope, id, props);
    const { config } = props;
    const region = this.region;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.hostedZone.id,
      zoneName: config.hostedZone.name,
    });
    const regionalName = regionalNameOf(config, region);
    const logs = logSettingsOf(config);
    // The regions this one works with: the serving ones, and itself while it is retiring.
    const peers = config.servingRegions.includes(region)
      ? config.servingRegions
      : [...config.servingRegions, region];
    const inDns = config.servingRegions.includes(region);

    this.api = new RegionalApi(this, 'Api', {
      appName: config.appName,
      tableName: config.tableName,
      regions: peers,
      primaryRegion: config.primaryRegion,
      publicName: config.publicName,
      regionalName,
      zone,
      sessionKeySecretName: sessionKeySecretName(config.appName),
      // MRSC tables do not support transactions (and their consistent reads are global)
      fencing: config.multiRegionStrongConsistency ? 'read-then-write' : 'transaction',
      jwt: config.api.jwt,
      throttle: config.api.throttle,
      healthPath: config.healthCheck.path,
      healthReservedConcurrency: config.healthCheck.reservedConcurrency,
      logs,
    });

    this.conflictFeed = new ConflictFeed(this, 'ConflictFeed', {
      appName: config.appName,
      tableName: config.tableName,
      regions: peers,
      // the feed needs the home of never-assigned tenants: the data region, pinned ([J])
      primaryRegion: config.dataRegion,
      deployId: config.deployId,
      logs,
    });

    this.heartbeat = new ReplicationHeartbeat(this, 'Heartbeat', {
      tableName: config.tableName,
      appName: config.appName,
      regions: peers,
      divergenceGrace: Duration.seconds(config.observability.divergenceGraceSeconds),
      logs,
    });

    this.alarms = new RegionAlarms(this, 'Alarms', {
      appName: config.appName,
      regions: peers,
      // the reconciliation queue is global: one region pages for it
      ...(region === config.primaryRegion
        ? { maxOpenCaseAge: Duration.hours(config.observability.maxOpenCaseAgeHours) }
        : {}),
      httpApi: this.api.httpApi,
      apiFunction: this.api.function,
      conflictFeedFunction: this.conflictFeed.function,
      conflictFeedDeadLetterQueue: this.conflictFeed.deadLetterQueue,
      heartbeatFunction: this.heartbeat.function,
      ...(config.alarmEmail === undefined ? {} : { alarmEmail: config.alarmEmail }),
    });

    this.dashboard = new RegionDashboard(this, 'Dashboard', {
      appName: config.appName,
      regions: peers,
      httpApi: this.api.httpApi,
      conflictFeedFunction: this.conflictFeed.function,
    });

    this.traffic = new RegionalTraffic(this, 'Traffic', {
      appName: config.appName,
      zone,
      publicName: config.publicName,
      regionalName,
      isPrimary: region === config.primaryRegion,
      inDns,
      publicDomain: this.api.publicDomain,
      regionalDomain: this.api.regionalDomain,
      healthCheck: {
        intervalSeconds: config.healthCheck.intervalSeconds as 10 | 30,
        failureThreshold: config.healthCheck.failureThreshold,
        path: config.healthCheck.path,
        checkerRegions: config.healthCheck.checkerRegions,
      },
    });

    // This region's write policy (the phase of every data domain) for the handler's write
    // decisions; the output is what `aactl rollout status` reads as deployed here.
    const writePolicy = serializeWritePolicy(writePolicyOf(config, region));
    this.api.function.addEnvironment(WRITE_POLICY_ENV, writePolicy);
    new CfnOutput(this, WRITE_POLICY_OUTPUT, {
      description: 'Deployed write policy of this region (WRITE_POLICY), for aactl',
      value: writePolicy,
    });
  }
}

import { CfnOutput, Duration, Tags } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { dnsNamesOf, originNameOf, TAG_APP, TAG_REGION } from '../../lambda/contract/naming';
import { HEALTH_CHECK_DEFAULTS, withDefaults } from '../config/defaults';
import { NamedAliasTarget } from './alias-targets';
import { explicitRegionOf } from './validation';

/**
 * Route 53 health-check settings. Config validates them (`activeActive.healthCheck`); a library
 * user's values go to Route 53 as given.
 */
export interface HealthCheckSettings {
  /**
   * Seconds between checks from each checker: 10 (fast) or 30.
   * @default 10
   */
  readonly intervalSeconds?: 10 | 30;
  /**
   * Consecutive failures before the endpoint counts as unhealthy (1-10).
   * @default 2
   */
  readonly failureThreshold?: number;
  /**
   * Path probed over HTTPS.
   * @default '/health'
   */
  readonly path?: string;
  /**
   * Regions the checkers probe from (at least 3).
   * @default - all eight Route 53 checker regions
   */
  readonly checkerRegions?: readonly string[];
}

/** Properties of {@link RegionalTraffic}. */
export interface RegionalTrafficProps {
  /** App name, used in health-check tags. */
  readonly appName: string;
  /** The hosted zone holding every record. */
  readonly zone: route53.IHostedZone;
  /** Public API name (e.g. api.example.com). */
  readonly publicName: string;
  /** This region's own API name (e.g. eu-west-1.api.example.com). */
  readonly regionalName: string;
  /** Whether this is the primary region (the failover PRIMARY, not a standby member). */
  readonly isPrimary: boolean;
  /**
   * Whether the region is in DNS: false while it is retired (step `out-of-dns`), when it keeps
   * its health check, its own name and its origin name, but leaves the latency and standby sets.
   * @default true
   */
  readonly inDns?: boolean;
  /** Custom domain serving the public name in this region. */
  readonly publicDomain: apigwv2.IDomainName;
  /** Custom domain serving this region's own name. */
  readonly regionalDomain: apigwv2.IDomainName;
  /**
   * Health-check settings.
   * @default - HTTPS on /health every 10 s, threshold 2, from every checker region
   */
  readonly healthCheck?: HealthCheckSettings;
}

/**
 * One region's share of DNS: a Route 53 health check on the region's own name, the region's own
 * record, its origin name (the target of the failover PRIMARY, which the global stack owns while
 * this region is primary), its member of the latency set, and, for a secondary, its member of
 * the standby latency set. Record names and set identifiers never change with the rollout phase,
 * so no record ever switches routing policy in place.
 */
export class RegionalTraffic extends Construct {
  /** The region's health check. */
  readonly healthCheck: route53.HealthCheck;
  /** The region's member of the latency set (none while it is out of DNS). */
  readonly latencyRecord?: route53.ARecord;

  constructor(scope: Construct, id: string, props: RegionalTrafficProps) {
    super(scope, id);
    const settings = withDefaults(HEALTH_CHECK_DEFAULTS, props.healthCheck);
    const region = explicitRegionOf(this, 'regional traffic');
    const names = dnsNamesOf(props.publicName);

    this.healthCheck = new route53.HealthCheck(this, 'HealthCheck', {
      type: route53.HealthCheckType.HTTPS,
      fqdn: props.regionalName,
      port: 443,
      resourcePath: settings.path,
      requestInterval: Duration.seconds(settings.intervalSeconds),
      failureThreshold: settings.failureThreshold,
      regions: [...settings.checkerRegions],
      enableSNI: true,
    });
    // The CLI finds health checks by these tags; Name is what the Route 53 console shows.
    Tags.of(this.healthCheck).add('Name', `${props.appName}-${region}`);
    Tags.of(this.healthCheck).add(TAG_APP, props.appName);
    Tags.of(this.healthCheck).add(TAG_REGION, region);

    const publicTarget = route53.RecordTarget.fromAlias(
      new NamedAliasTarget(
        props.publicDomain.regionalDomainName,
        props.publicDomain.regionalHostedZoneId,
        true,
      ),
    );

    new route53.ARecord(this, 'RegionalRecord', {
      zone: props.zone,
      recordName: props.regionalName,
      comment: `${region} API, pinned`,
      target: route53.RecordTarget.fromAlias(
        new NamedAliasTarget(
          props.regionalDomain.regionalDomainName,
          props.regionalDomain.regionalHostedZoneId,
          false,
        ),
      ),
    });

    new route53.ARecord(this, 'OriginRecord', {
      zone: props.zone,
      recordName: originNameOf(props.publicName, region),
      comment: `${region} public API, the failover PRIMARY's target while ${region} is primary`,
      target: publicTarget,
    });

    if (props.inDns ?? true) {
      this.latencyRecord = new route53.ARecord(this, 'LatencyRecord', {
        zone: props.zone,
        recordName: names.latency,
        comment: `${region} member of the latency set`,
        region,
        setIdentifier: region,
        healthCheck: this.healthCheck,
        target: publicTarget,
      });
      if (!props.isPrimary) {
        new route53.ARecord(this, 'StandbyRecord', {
          zone: props.zone,
          recordName: names.standby,
          comment: `${region} member of the standby set (failover secondary)`,
          region,
          setIdentifier: region,
          healthCheck: this.healthCheck,
          target: publicTarget,
        });
      }
    }

    new CfnOutput(this, 'HealthCheckId', { value: this.healthCheck.healthCheckId });
  }
}

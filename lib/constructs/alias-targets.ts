import type * as route53 from 'aws-cdk-lib/aws-route53';

/**
 * An alias target given by name and hosted zone, with an explicit evaluate-target-health flag
 * (the aws-route53-targets classes for API Gateway v2 and Route 53 records do not set it).
 */
export class NamedAliasTarget implements route53.IAliasRecordTarget {
  constructor(
    private readonly dnsName: string,
    private readonly hostedZoneId: string,
    private readonly evaluateTargetHealth: boolean,
  ) {}

  bind(): route53.AliasRecordTargetConfig {
    return {
      dnsName: this.dnsName,
      hostedZoneId: this.hostedZoneId,
      evaluateTargetHealth: this.evaluateTargetHealth,
    };
  }
}

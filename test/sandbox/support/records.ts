import type { RecordSetSpec } from '../../../lib/ops/sandbox/deployment';

/**
 * The app's record shapes (as lib/constructs/traffic synthesizes them): public alias -> failover
 * pair / latency set -> origin -> endpoint, plus the phase TXT record.
 */
export const ZONE = 'Z1';
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
export const endpoint = (region: string) => `d-${region}.execute-api.${region}.amazonaws.com`;
const alias = (dnsName: string, evaluateTargetHealth = true) => ({
  dnsName,
  hostedZoneId: ZONE,
  evaluateTargetHealth,
});

/** The records with the public name in front of the failover pair or the latency set. */
export const appRecords = (
  front: 'failover' | 'latency',
  options: { readonly secondaryEvaluatesTargetHealth?: boolean } = {},
): RecordSetSpec[] => [
  {
    name: 'api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    alias: alias(`${front}.api.example.com`),
  },
  {
    name: 'failover.api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    failover: 'PRIMARY',
    setIdentifier: 'primary',
    healthCheckId: 'hc-us-east-1',
    alias: alias('us-east-1.origin.api.example.com'),
  },
  {
    name: 'failover.api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    failover: 'SECONDARY',
    setIdentifier: 'secondary',
    alias: alias('standby.api.example.com', options.secondaryEvaluatesTargetHealth ?? true),
  },
  ...REGIONS.map((region): RecordSetSpec => ({
    name: `${region}.origin.api.example.com`,
    type: 'A',
    hostedZoneId: ZONE,
    alias: alias(endpoint(region)),
  })),
  ...REGIONS.map((region): RecordSetSpec => ({
    name: 'latency.api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    region,
    setIdentifier: region,
    healthCheckId: `hc-${region}`,
    alias: alias(endpoint(region)),
  })),
  ...REGIONS.slice(1).map((region): RecordSetSpec => ({
    name: 'standby.api.example.com',
    type: 'A',
    hostedZoneId: ZONE,
    region,
    setIdentifier: region,
    healthCheckId: `hc-${region}`,
    alias: alias(endpoint(region)),
  })),
  {
    name: '_aa.api.example.com',
    type: 'TXT',
    hostedZoneId: ZONE,
    ttlSeconds: 60,
    values: ['"phase=active-active"'],
  },
];

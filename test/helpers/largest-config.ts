import type { AppConfigInput } from '../../lib/config';
import { TEST_ACCOUNT } from './app';

/** Twelve regions, every one a Route 53 health-checker or common commercial region. */
export const TWELVE_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
];

/** A 128-character id: the longest config allows. */
function longId(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(3, '0')}-`.padEnd(128, 'x');
}

/**
 * The largest config the schema accepts: 12 regions, 50 critical entities with 128-character
 * tenants and ids, the longest app name, every optional setting on, and a non-default health
 * path. What validates must deploy: templates from it must pass cfn-lint and fit every limit.
 */
export const LARGEST_CONFIG_INPUT: AppConfigInput = {
  appName: 'a'.repeat(8) + '-largest-config-app-name-limit-4',
  account: TEST_ACCOUNT,
  regions: TWELVE_REGIONS,
  primaryRegion: 'eu-west-1',
  dataRegion: 'us-east-1',
  domainName: 'api-owner.example.com',
  hostedZone: { id: 'Z0123456789EXAMPLE', name: 'example.com' },
  tableName: 't'.repeat(200),
  deployId: '20250101T000000Z',
  healthCheck: {
    intervalSeconds: 30,
    failureThreshold: 10,
    path: '/healthz/deep',
    checkerRegions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'],
    reservedConcurrency: 10,
  },
  recordTtlSeconds: 30,
  rollout: {
    phase: 'limited-write',
    domains: { counters: 'active-active', ledger: 'read-local' },
    limitedWriteClasses: ['cart.update', 'set.add', 'profile.patch'],
    allowMultiStep: false,
  },
  api: {
    subdomain: 'public-api',
    throttle: { rateLimit: 5000, burstLimit: 5000 },
    jwt: { issuer: 'https://auth.example.com/realms/main', audience: ['api', 'mobile', 'web'] },
  },
  drills: { minHealthyRegions: 10 },
  alarmEmail: 'oncall@example.com',
  logs: { retentionDays: 365, customerManagedKey: true },
  observability: {
    criticalEntities: Array.from({ length: 50 }, (_, index) => ({
      tenant: longId('tenant', index),
      type: 'ledger-account' as const,
      id: longId('object', index),
    })),
    divergenceGraceSeconds: 3600,
    maxOpenCaseAgeHours: 72,
  },
  pricing: { route53HealthCheckMonth: 0.75 },
};

import type { RolloutPhase } from '../../../lambda/domain/catalog';
import { parseConfig } from '../../../lib/config/load';
import type { AppConfig } from '../../../lib/config/schema';

/** Raw `activeActive` config used by ops tests (three regions, example.com). */
export function rawConfig(
  phase: RolloutPhase = 'active-active',
  extra: Record<string, unknown> = {},
) {
  return {
    appName: 'active-active',
    regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
    primaryRegion: 'us-east-1',
    domainName: 'example.com',
    hostedZone: { id: 'Z0123456789EXAMPLE', name: 'example.com' },
    tableName: 'active-active-data',
    rollout: { phase },
    ...extra,
  };
}

/** A validated config for ops tests. */
export function testConfig(
  phase: RolloutPhase = 'active-active',
  extra: Record<string, unknown> = {},
): AppConfig {
  return parseConfig(rawConfig(phase, extra));
}

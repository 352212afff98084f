import { TAG_REGION } from '../../../lambda/contract/naming';
import type { RolloutPhase } from '../../../lambda/domain/catalog';
import type { AppConfig } from '../../../lib/config/schema';
import { regionalNameOf } from '../../../lib/config/schema';
import { servingRegions } from '../../../lib/ops/drill/planner';
import type { OpsGateways } from '../../../lib/ops/live';
import { VANTAGE_SUBNETS } from '../../../lib/ops/vantage-points';

/**
 * moto answers GetHealthCheckStatus with a canned success and has no TestDNSAnswer, so the
 * end-to-end tests replace exactly those two gateway methods with an emulation driven by the state
 * in moto: a region's endpoint fails while its drain flag is set (what /health would do), Route 53
 * applies Inverted/Disabled, and DNS answers per phase with the nearest region still in rotation.
 * Everything else (health checks, tags, versions, drain items) is the real gateway against moto.
 */

/** Address of a region's endpoint in the emulated DNS. */
export function emulatedEndpointIp(config: Pick<AppConfig, 'regions'>, region: string): string {
  return `203.0.113.${config.regions.indexOf(region) + 10}`;
}

export function withEmulatedStatusAndDns(
  real: OpsGateways,
  config: Pick<AppConfig, 'appName' | 'regions' | 'publicName' | 'primaryRegion'> & {
    rollout: { phase: RolloutPhase };
  },
): OpsGateways {
  let regionsById: Map<string, string> | undefined;
  const regionOf = async (id: string) => {
    regionsById ??= new Map(
      (await real.route53.listAppHealthChecks(config.appName)).map((check) => [
        check.id,
        check.tags[TAG_REGION] ?? '',
      ]),
    );
    return regionsById.get(id) ?? '';
  };
  const endpointHealthy = async (region: string) =>
    (await real.drain.getDrain(region))?.drained !== true;
  const effectiveHealth = async () => {
    const checks = await real.route53.listAppHealthChecks(config.appName);
    const states = new Map<string, 'healthy' | 'unhealthy'>();
    for (const check of checks) {
      const region = check.tags[TAG_REGION] ?? '';
      const raw = await endpointHealthy(region);
      const healthy = check.disabled ? !check.inverted : raw !== check.inverted;
      states.set(region, healthy ? 'healthy' : 'unhealthy');
    }
    return states;
  };
  return {
    ...real,
    route53: {
      ...real.route53,
      async getHealthCheckStatus(id) {
        const ok = await endpointHealthy(await regionOf(id));
        return ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'].map((checkerRegion) => ({
          checkerRegion,
          status: ok
            ? 'Success: HTTP Status Code 200, OK'
            : 'Failure: HTTP Status Code 503, Service Unavailable',
        }));
      },
      async testDnsAnswer(query) {
        const regional = config.regions.find(
          (region) => query.recordName === regionalNameOf(config, region),
        );
        if (regional !== undefined) {
          return { responseCode: 'NOERROR', recordData: [emulatedEndpointIp(config, regional)] };
        }
        if (query.recordName !== config.publicName) {
          return { responseCode: 'NXDOMAIN', recordData: [] };
        }
        const serving = servingRegions(
          await effectiveHealth(),
          config.regions,
          config.rollout.phase,
          config.primaryRegion,
        );
        const vantage = Object.entries(VANTAGE_SUBNETS).find(
          ([, subnet]) => subnet === query.clientSubnet,
        )?.[0];
        const answer = vantage !== undefined && serving.includes(vantage) ? vantage : serving[0];
        return {
          responseCode: 'NOERROR',
          recordData: answer === undefined ? [] : [emulatedEndpointIp(config, answer)],
        };
      },
    },
  };
}

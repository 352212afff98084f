/**
 * Geography-to-region map: where a new tenant's home should be, from where its users are. A
 * geography is an ISO 3166 country code (`DE`) or a continent code (`EU`); each maps to regions in
 * order of preference, and the first one the app is deployed in wins. Tenants with no known
 * geography (or none of whose regions is deployed) are placed by the consistent-hash ring.
 */
import type { HashRing } from './hash-ring';
import { describeValue } from './json';

/** Continent codes, as CloudFront's `CloudFront-Viewer-Country` continent lookups use them. */
export const CONTINENTS = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;
export type Continent = (typeof CONTINENTS)[number];

/** Geography code -> regions, most preferred first. */
export type GeographyRegionMap = Readonly<Record<string, readonly string[]>>;

/** Default preferences: every continent, plus countries with a region of their own. */
const DEFAULT_GEOGRAPHY_REGIONS: GeographyRegionMap = {
  AF: ['af-south-1', 'eu-south-1', 'eu-west-1', 'me-south-1'],
  AN: ['ap-southeast-2', 'sa-east-1'],
  AS: ['ap-southeast-1', 'ap-northeast-1', 'ap-south-1', 'ap-east-1'],
  EU: ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-south-1'],
  NA: ['us-east-1', 'us-east-2', 'us-west-2', 'us-west-1', 'ca-central-1'],
  OC: ['ap-southeast-2', 'ap-southeast-4', 'ap-southeast-1'],
  SA: ['sa-east-1', 'us-east-1'],
  AE: ['me-central-1', 'me-south-1', 'eu-central-1'],
  AU: ['ap-southeast-2', 'ap-southeast-4'],
  BR: ['sa-east-1'],
  CA: ['ca-central-1', 'ca-west-1', 'us-east-1'],
  CH: ['eu-central-2', 'eu-central-1'],
  DE: ['eu-central-1', 'eu-west-1'],
  ES: ['eu-south-2', 'eu-west-3', 'eu-west-1'],
  FR: ['eu-west-3', 'eu-west-1'],
  GB: ['eu-west-2', 'eu-west-1'],
  HK: ['ap-east-1', 'ap-southeast-1'],
  ID: ['ap-southeast-3', 'ap-southeast-1'],
  IE: ['eu-west-1', 'eu-west-2'],
  IL: ['il-central-1', 'eu-central-1'],
  IN: ['ap-south-1', 'ap-south-2'],
  IT: ['eu-south-1', 'eu-central-1'],
  JP: ['ap-northeast-1', 'ap-northeast-3'],
  KR: ['ap-northeast-2', 'ap-northeast-1'],
  MX: ['mx-central-1', 'us-east-2', 'us-west-2'],
  MY: ['ap-southeast-5', 'ap-southeast-1'],
  NZ: ['ap-southeast-2', 'ap-southeast-4'],
  SE: ['eu-north-1', 'eu-central-1'],
  SG: ['ap-southeast-1'],
  TH: ['ap-southeast-7', 'ap-southeast-1'],
  US: ['us-east-1', 'us-east-2', 'us-west-2', 'us-west-1'],
  ZA: ['af-south-1', 'eu-west-1'],
};

/** Where a tenant's users are. */
export interface TenantGeography {
  /** ISO 3166-1 alpha-2 country code, e.g. `DE`. @default - unknown */
  readonly country?: string;
  /** Continent code, e.g. `EU`. @default - unknown */
  readonly continent?: Continent;
}

/**
 * The most preferred deployed region for a geography: the country's list first, then the
 * continent's; `undefined` when neither names a region in `deployedRegions`.
 */
export function regionForGeography(
  geography: TenantGeography,
  deployedRegions: readonly string[],
  map: GeographyRegionMap = DEFAULT_GEOGRAPHY_REGIONS,
): string | undefined {
  for (const code of [geography.country, geography.continent]) {
    if (code === undefined) {
      continue;
    }
    if (!/^[A-Z]{2}$/.test(code)) {
      throw new Error(
        `geography code must be two upper-case letters (a country such as DE or a continent such as EU), got ${describeValue(code)}`,
      );
    }
    const match = map[code]?.find((region) => deployedRegions.includes(region));
    if (match !== undefined) {
      return match;
    }
  }
  return undefined;
}

/**
 * Home region for a new tenant: the geography's preferred deployed region, else the ring's owner
 * of the tenant id (an even, stable spread). The ring must hold exactly the deployed regions.
 */
export function homeRegionForNewTenant(
  tenantId: string,
  geography: TenantGeography,
  ring: HashRing,
  map: GeographyRegionMap = DEFAULT_GEOGRAPHY_REGIONS,
): string {
  return regionForGeography(geography, ring.regions, map) ?? ring.ownerOf(tenantId);
}

/**
 * Where a DNS client is, and how far each region is from it: the sandbox's stand-in for Route 53's
 * latency data. A client is placed by its EDNS client subnet (the /24s aactl sends for each
 * region's vantage, lib/ops/vantage-points.ts), else in the sandbox's default client region; the
 * latency between two places is the great-circle distance between the regions' metro areas (a
 * source-to-region table: good enough to order regions as AWS's measured latencies do).
 */
import { VANTAGE_SUBNETS } from '../vantage-points';

/** Approximate coordinates (degrees latitude, longitude) of each region's metro area. */
export const REGION_COORDINATES: Readonly<Record<string, readonly [number, number]>> = {
  'af-south-1': [-33.9, 18.4],
  'ap-east-1': [22.3, 114.2],
  'ap-east-2': [25.0, 121.5],
  'ap-northeast-1': [35.7, 139.7],
  'ap-northeast-2': [37.6, 127.0],
  'ap-northeast-3': [34.7, 135.5],
  'ap-south-1': [19.1, 72.9],
  'ap-south-2': [17.4, 78.5],
  'ap-southeast-1': [1.35, 103.8],
  'ap-southeast-2': [-33.9, 151.2],
  'ap-southeast-3': [-6.2, 106.8],
  'ap-southeast-4': [-37.8, 145.0],
  'ap-southeast-5': [3.1, 101.7],
  'ap-southeast-7': [13.8, 100.5],
  'ca-central-1': [45.5, -73.6],
  'ca-west-1': [51.0, -114.1],
  'eu-central-1': [50.1, 8.7],
  'eu-central-2': [47.4, 8.5],
  'eu-north-1': [59.3, 18.1],
  'eu-south-1': [45.5, 9.2],
  'eu-south-2': [41.6, -0.9],
  'eu-west-1': [53.3, -6.3],
  'eu-west-2': [51.5, -0.1],
  'eu-west-3': [48.9, 2.4],
  'il-central-1': [32.1, 34.8],
  'me-central-1': [25.2, 55.3],
  'me-south-1': [26.2, 50.6],
  'mx-central-1': [20.6, -100.4],
  'sa-east-1': [-23.5, -46.6],
  'us-east-1': [38.9, -77.4],
  'us-east-2': [40.0, -83.0],
  'us-west-1': [37.4, -121.9],
  'us-west-2': [45.8, -119.7],
};

/** Great-circle distance between two regions' metro areas (km); unknown regions are far. */
export function distanceKm(from: string, to: string): number {
  if (from === to) return 0;
  const a = REGION_COORDINATES[from];
  const b = REGION_COORDINATES[to];
  if (a === undefined || b === undefined) return 40_000;
  const rad = Math.PI / 180;
  const dLat = (b[0] - a[0]) * rad;
  const dLon = (b[1] - a[1]) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The region a client subnet stands for (a vantage /24), if any. */
export function regionOfClientSubnet(address: string): string | undefined {
  const octets = address.split('.');
  if (octets.length !== 4) return undefined;
  const network = `${octets.slice(0, 3).join('.')}.0`;
  return Object.entries(VANTAGE_SUBNETS).find(([, subnet]) => subnet === network)?.[0];
}

/** The client subnet of a region's vantage (what `--from <region>` sends). */
export function clientSubnetOf(region: string): string | undefined {
  return VANTAGE_SUBNETS[region];
}

/**
 * DNS vantage points: one public IPv4 /24 per AWS region, passed to Route 53 TestDNSAnswer as the
 * EDNS0 client subnet so that it answers as it would for a user near that region.
 *
 * Each prefix is a published EC2 public address block of the region itself (taken from the
 * regional update-server lists that cloud vendors publish; the four newest regions from AWS's
 * ip-ranges.json, service EC2), so IP geolocation and Route 53 latency data place it in the
 * region's metro area. Only the /24 is sent, never a host address. Every region in
 * lib/config/regions.ts has one (a test keeps it so); a region missing here gets no DNS probe,
 * and a drill there is inconclusive and says so.
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html
 */
export const VANTAGE_SUBNETS: Readonly<Record<string, string>> = {
  'af-south-1': '13.244.54.0',
  'ap-east-1': '18.162.90.0',
  'ap-east-2': '43.212.16.0',
  'ap-northeast-1': '54.248.86.0',
  'ap-northeast-2': '52.79.38.0',
  'ap-northeast-3': '13.208.100.0',
  'ap-south-1': '52.66.49.0',
  'ap-south-2': '18.60.21.0',
  'ap-southeast-1': '54.254.106.0',
  'ap-southeast-2': '54.253.249.0',
  'ap-southeast-3': '108.136.0.0',
  'ap-southeast-4': '16.50.164.0',
  'ap-southeast-5': '43.216.16.0',
  'ap-southeast-7': '43.210.16.0',
  'ca-central-1': '52.60.53.0',
  'ca-west-1': '40.176.165.0',
  'eu-central-1': '54.93.130.0',
  'eu-central-2': '16.62.74.0',
  'eu-north-1': '13.53.91.0',
  'eu-south-1': '15.161.33.0',
  'eu-south-2': '18.100.37.0',
  'eu-west-1': '54.246.90.0',
  'eu-west-2': '52.56.58.0',
  'eu-west-3': '52.47.108.0',
  'il-central-1': '51.16.120.0',
  'me-central-1': '3.28.92.0',
  'me-south-1': '157.175.138.0',
  'mx-central-1': '78.12.16.0',
  'sa-east-1': '54.232.112.0',
  'us-east-1': '54.197.240.0',
  'us-east-2': '52.15.49.0',
  'us-west-1': '50.18.104.0',
  'us-west-2': '54.244.114.0',
};

/** Prefix length sent with every client subnet. */
export const VANTAGE_SUBNET_MASK = 24;

/** A place from which to ask Route 53 what the public name resolves to. */
export interface VantagePoint {
  /** The AWS region this vantage stands for. */
  readonly region: string;
  /** EDNS0 client subnet address (network address of a /24). */
  readonly clientSubnet: string;
  /** Prefix length of the client subnet. */
  readonly mask: number;
}

/** Vantage points for the given regions, in order; regions without one are listed apart. */
export function vantagePointsFor(regions: readonly string[]): {
  vantages: VantagePoint[];
  missing: string[];
} {
  const vantages: VantagePoint[] = [];
  const missing: string[] = [];
  for (const region of regions) {
    const clientSubnet = VANTAGE_SUBNETS[region];
    if (clientSubnet === undefined) missing.push(region);
    else vantages.push({ region, clientSubnet, mask: VANTAGE_SUBNET_MASK });
  }
  return { vantages, missing };
}

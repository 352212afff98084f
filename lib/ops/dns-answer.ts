/**
 * Reading TestDNSAnswer results: which regions does an answer point at?
 *
 * The public name resolves (through alias records) to the IP addresses of one region's API
 * endpoint, so an answer is mapped back to regions with fingerprints: the record data each
 * region's own name (`<region>.api.example.com`, never health-checked) returns at the same time.
 * Values that name a region (CNAME targets such as `d-abc.execute-api.eu-west-1.amazonaws.com`)
 * map directly.
 */

/** What Route 53 answered for one query. */
export interface DnsAnswer {
  /** DNS response code, e.g. `NOERROR`, `NXDOMAIN`. */
  readonly responseCode: string;
  /** Record values (IP addresses for A, names for CNAME). */
  readonly recordData: readonly string[];
}

/** For each region, the record values its regional name resolves to. */
export type RegionFingerprints = Readonly<Record<string, readonly string[]>>;

/** An answer mapped to regions. */
export interface AnswerRegions {
  /** Regions the answer points at, in config order. */
  readonly regions: string[];
  /** Record values that match no region. */
  readonly unknown: string[];
}

/** Map an answer's values to the regions they belong to. */
export function regionsInAnswer(
  recordData: readonly string[],
  fingerprints: RegionFingerprints,
  regions: readonly string[],
): AnswerRegions {
  const found = new Set<string>();
  const unknown: string[] = [];
  for (const raw of recordData) {
    const value = raw.trim().replace(/\.$/, '').toLowerCase();
    const byFingerprint = regions.filter((region) =>
      (fingerprints[region] ?? []).some(
        (known) => known.toLowerCase().replace(/\.$/, '') === value,
      ),
    );
    const byName = regions.filter((region) => namesRegion(value, region));
    const matches = byFingerprint.length > 0 ? byFingerprint : byName;
    if (matches.length === 0) unknown.push(raw);
    for (const region of matches) found.add(region);
  }
  return { regions: regions.filter((region) => found.has(region)), unknown };
}

/** Whether an answer certainly leaves `region` out: it answers, and every value is known. */
export function answerExcludes(answer: AnswerRegions, region: string): boolean {
  return (
    answer.unknown.length === 0 && answer.regions.length > 0 && !answer.regions.includes(region)
  );
}

/** Whether an answer certainly includes `region`. */
export function answerIncludes(answer: AnswerRegions, region: string): boolean {
  return answer.regions.includes(region);
}

function namesRegion(value: string, region: string): boolean {
  return value === region || value.startsWith(`${region}.`) || value.includes(`.${region}.`);
}

import { MRSC_REGION_SETS, mrscRegionSetOf } from './regions';

/**
 * Rules that span config keys (each key alone is checked by its field). Pure: the schema reports
 * each problem at its key, and the formatter in load.ts adds the key and the bad value.
 */

/** The keys the rules read. */
export interface CrossKeyInput {
  readonly regions: readonly string[];
  readonly primaryRegion: string;
  readonly dataRegion?: string | undefined;
  readonly retiringRegion?: { readonly region: string } | undefined;
  readonly domainName: string;
  readonly hostedZone: { readonly name: string };
  readonly multiRegionStrongConsistency: boolean;
  readonly drills: { readonly minHealthyRegions: number };
}

/** A problem at one key. */
export interface KeyProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Every rule that spans keys, in order. */
export function crossKeyProblems(config: CrossKeyInput): KeyProblem[] {
  return [
    ...regionProblems(config),
    ...retiringProblems(config),
    ...domainProblems(config),
    ...mrscProblems(config),
    ...drillProblems(config),
  ];
}

/** The primary and the data region are among the regions. */
function regionProblems(config: CrossKeyInput): KeyProblem[] {
  const problems: KeyProblem[] = [];
  if (config.regions.length < 2) return problems;
  if (!config.regions.includes(config.primaryRegion)) {
    problems.push({
      path: ['primaryRegion'],
      message: `must be one of regions (${config.regions.join(', ')})`,
    });
  }
  if (config.dataRegion !== undefined && !config.regions.includes(config.dataRegion)) {
    problems.push({
      path: ['dataRegion'],
      message: `must be one of regions (${config.regions.join(', ')}): the data stack never moves, so keep its region listed`,
    });
  }
  return problems;
}

/** A retiring region is listed, is neither the primary nor the data region, and leaves two. */
function retiringProblems(config: CrossKeyInput): KeyProblem[] {
  const retiring = config.retiringRegion;
  if (retiring === undefined) return [];
  const dataRegion = config.dataRegion ?? config.primaryRegion;
  const problem = !config.regions.includes(retiring.region)
    ? `must be one of regions (${config.regions.join(', ')}); a region leaves regions only after its last step`
    : retiring.region === config.primaryRegion
      ? `is the primary region; make another region primary first (README, Changing the primary region)`
      : retiring.region === dataRegion
        ? `is the data stack's region, which never moves; it cannot be retired`
        : config.regions.length - 1 < 2
          ? `would leave ${config.regions.length - 1} region; add a region before retiring one`
          : undefined;
  return problem === undefined ? [] : [{ path: ['retiringRegion', 'region'], message: problem }];
}

/** The domain name is the zone's or under it. */
function domainProblems(config: CrossKeyInput): KeyProblem[] {
  const zone = config.hostedZone.name;
  if (config.domainName === zone || config.domainName.endsWith(`.${zone}`)) return [];
  return [
    { path: ['domainName'], message: `must be hostedZone.name (${zone}) or a subdomain of it` },
  ];
}

/** Multi-region strong consistency needs exactly 3 regions of one MRSC region set. */
function mrscProblems(config: CrossKeyInput): KeyProblem[] {
  if (!config.multiRegionStrongConsistency) return [];
  const set = mrscRegionSetOf(config.regions);
  if (config.regions.length === 3 && set !== undefined) return [];
  const sets = Object.entries(MRSC_REGION_SETS)
    .map(([name, members]) => `${name}: ${members.join(' ')}`)
    .join('; ');
  return [
    {
      path: ['multiRegionStrongConsistency'],
      message: `needs exactly 3 regions from one region set (${sets}), but regions are ${config.regions.join(', ')}; set it to false or change regions`,
    },
  ];
}

/** A drill must be able to run: fewer healthy regions required than regions serving. */
function drillProblems(config: CrossKeyInput): KeyProblem[] {
  const serving = config.regions.length - (config.retiringRegion === undefined ? 0 : 1);
  if (config.drills.minHealthyRegions < serving) return [];
  return [
    {
      path: ['drills', 'minHealthyRegions'],
      message: `must be less than the number of serving regions (${serving}), or no drill could ever run`,
    },
  ];
}

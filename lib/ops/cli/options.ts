import { InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../duration';

/** Option parsers shared by the command groups (commander turns their errors into exit 2). */

/** Parse a duration option (commander turns the error into exit 2 with one line). */
export function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new InvalidArgumentError(
      `expected a duration such as 30s, 5m or 1h30m, got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

/** Inclusive limits of a duration option, as typed (`100ms`, `6h`). */
export interface DurationBounds {
  readonly min: string;
  readonly max: string;
}

/** Parse a duration option within bounds (a nonsense value is refused, never clamped). */
export function boundedDurationOption(bounds: DurationBounds) {
  const min = durationOption(bounds.min);
  const max = durationOption(bounds.max);
  return (value: string): number => {
    const ms = durationOption(value);
    if (ms < min || ms > max) {
      throw new InvalidArgumentError(
        `expected a duration between ${bounds.min} and ${bounds.max}, got ${JSON.stringify(value)}`,
      );
    }
    return ms;
  };
}

/** A duration option with bounds and a human default shown in --help. */
export function durationFlag(
  flags: string,
  description: string,
  fallback: string,
  bounds: DurationBounds,
): Option {
  const parse = boundedDurationOption(bounds);
  return new Option(flags, `${description} (${bounds.min} to ${bounds.max})`)
    .argParser(parse)
    .default(parse(fallback), fallback);
}

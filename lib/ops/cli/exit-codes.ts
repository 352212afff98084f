/**
 * Exit codes of every `aactl` command. Stable: scripts and CI depend on them. Other command groups
 * reuse these and add new codes only above 5 (and below 128).
 */
export const ExitCode = {
  /** Done; for a drill: passed and restored. */
  Ok: 0,
  /** The drill failed (timeout, AWS error) but was restored, or an unexpected error. */
  Failed: 1,
  /** Bad arguments or config. */
  Usage: 2,
  /** Refused by preflight (would leave too few healthy regions, target unhealthy, no health check). */
  Refused: 3,
  /** A drill lock is held (another drill runs, or one was left behind: `aactl drill restore`). */
  LockHeld: 4,
  /** The restore failed or could not be verified: act now (`aactl drill restore`, runbook). */
  RestoreFailed: 5,
  /** Interrupted by SIGINT (Ctrl-C) and restored. */
  Interrupted: 130,
  /** Interrupted by SIGTERM and restored. */
  Terminated: 143,
} as const;

/** The exit-code table shown by `--help` (kept in step with docs/drills.md). */
export const EXIT_CODES_HELP = `
Exit codes:
  0    ok (drill passed and restored; dry run allowed)
  1    drill failed but was restored, or unexpected error
  2    bad arguments or config
  3    refused by preflight (too few healthy regions would remain, target not healthy, ...)
  4    drill lock held (another drill runs; a leftover lock needs: aactl drill restore)
  5    restore failed or not verified: follow docs/drills.md "When a restore fails"
  130  interrupted by Ctrl-C (SIGINT), restored
  143  interrupted by SIGTERM, restored`;

/** An error for people: one line (problem and fix) and the exit code to leave with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage problem (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.Usage);
}

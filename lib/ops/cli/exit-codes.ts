/**
 * Exit codes of every `aactl` command. Stable: scripts, CI and monitoring depend on them. A code
 * means the same in every command that uses it; each command's `--help` lists only its own.
 */
export const ExitCode = {
  /** Done; for a drill: passed and restored; for status: nothing needs action. */
  Ok: 0,
  /** The drill failed or was stopped early but was restored; an AWS error; an unexpected error. */
  Failed: 1,
  /** Bad arguments or config. */
  Usage: 2,
  /** Refused by preflight (too few healthy regions would remain, ...) or not confirmed. */
  Refused: 3,
  /** A drill lock is held (another drill runs, or one was left behind: `aactl drill restore`). */
  LockHeld: 4,
  /** The restore failed or could not be verified: act now (the manual command is printed). */
  RestoreFailed: 5,
  /** `rollout status --require-ready`: a gate of the pending step blocks. */
  GatesBlocked: 6,
  /** The drill ran and was restored, but detection or DNS convergence was not observed. */
  Inconclusive: 7,
  /** `aactl status`: something needs action (see its --help). */
  NeedsAction: 8,
  /** Interrupted by SIGINT (Ctrl-C) and restored. */
  Interrupted: 130,
  /** Interrupted by SIGTERM and restored. */
  Terminated: 143,
} as const;

/** One row of an exit-code table: the code and what it means for that command. */
type ExitRow = readonly [code: number | string, meaning: string];

/** An exit-code table for a command's `--help`. */
export function exitCodesHelp(rows: readonly ExitRow[], title = 'Exit codes'): string {
  const width = Math.max(...rows.map(([code]) => String(code).length));
  return `\n${title}:\n${rows
    .map(([code, meaning]) => `  ${String(code).padEnd(width)}  ${meaning}`)
    .join('\n')}`;
}

const USAGE_ROW: ExitRow = [ExitCode.Usage, 'bad arguments or config'];

/** `aactl --help`: the codes every command shares. */
export const ROOT_EXIT_HELP = exitCodesHelp([
  [ExitCode.Ok, 'ok'],
  [ExitCode.Failed, 'failed (AWS error, unexpected error)'],
  USAGE_ROW,
  ['', "other codes are command-specific: see each command's --help"],
]);

/** `aactl status --help`. */
export const STATUS_EXIT_HELP = exitCodesHelp([
  [ExitCode.Ok, 'nothing needs action'],
  [ExitCode.Failed, 'AWS error, or no health check of the app found'],
  USAGE_ROW,
  [
    ExitCode.NeedsAction,
    'needs action: a stale drill lock; a region inverted or disabled with no drill running; a',
  ],
  ['', 'drain flag set with no drill; a health check missing for a configured region; a stack'],
  ['', 'update running during a drill (each warning names the command that fixes it)'],
]);

/** `aactl drill fail --help` and `aactl drill run --help`. */
export const DRILL_EXIT_HELP = exitCodesHelp([
  [ExitCode.Ok, 'drill passed and restored (dry run: the plan is allowed)'],
  [ExitCode.Failed, 'drill failed or stopped early (alarm, safety guard), restored; AWS error'],
  USAGE_ROW,
  [ExitCode.Refused, 'refused by preflight, or not confirmed at the prompt'],
  [ExitCode.LockHeld, 'a drill lock is held (another drill runs; a leftover needs drill restore)'],
  [ExitCode.RestoreFailed, 'restore failed or not verified: run the printed aws command now'],
  [ExitCode.Inconclusive, 'restored, but detection or DNS was not observed (no metric published)'],
  [ExitCode.Interrupted, 'interrupted by Ctrl-C (SIGINT), restored'],
  [ExitCode.Terminated, 'interrupted by SIGTERM, restored'],
]);

/** `aactl drill restore --help`. */
export const RESTORE_EXIT_HELP = exitCodesHelp([
  [ExitCode.Ok, 'restored and verified, or nothing to restore'],
  [ExitCode.Failed, 'AWS error'],
  USAGE_ROW,
  [ExitCode.LockHeld, 'the drill still runs (pass --force if its process is gone)'],
  [ExitCode.RestoreFailed, 'restore not verified: run the printed aws command now'],
]);

/** `aactl drill list --help` and `aactl drill show --help`. */
export const HISTORY_EXIT_HELP = exitCodesHelp([
  [ExitCode.Ok, 'ok'],
  [ExitCode.Failed, 'AWS error, or no drill with that id'],
  USAGE_ROW,
]);

/** An error for people: one line (problem and fix) and the exit code to leave with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** With `--json`: the document to print (the error is added to it), so stdout stays one document. */
    readonly json?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage problem (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.Usage);
}

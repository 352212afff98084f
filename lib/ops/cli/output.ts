/**
 * Terminal output shared by every command group: where text goes, whether it is coloured, tables,
 * and `--json`. Human text goes to stdout, progress and errors to stderr, so `--json` output on
 * stdout is always exactly one JSON document.
 */

/** The part of a stream the CLI writes to. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Colour functions; identity when colour is off. */
export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

/** ANSI colours. */
export const COLORS: Palette = {
  green: ansi(32, 39),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  dim: ansi(2, 22),
  bold: ansi(1, 22),
};

/** No colours. */
export const PLAIN: Palette = {
  green: (text) => text,
  red: (text) => text,
  yellow: (text) => text,
  dim: (text) => text,
  bold: (text) => text,
};

/**
 * Colour only on a TTY, never with `--no-color`, `NO_COLOR` or `TERM=dumb`; `FORCE_COLOR`
 * (non-zero) turns it on anywhere.
 * @see https://no-color.org
 */
export function colorEnabled(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
  flag: boolean,
): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') {
    return true;
  }
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Where a command writes. */
export interface Output {
  /** `--json` was given. */
  readonly json: boolean;
  /** Colours for stdout. */
  readonly palette: Palette;
  /** Colours for stderr. */
  readonly errPalette: Palette;
  /** Write a line (or lines) to stdout. */
  line(text?: string): void;
  /** Write a line to stderr. */
  errLine(text: string): void;
  /** Write a value as the one JSON document on stdout. */
  printJson(value: unknown): void;
  /** Whether the JSON document was printed already. */
  readonly printedJson: boolean;
}

/** Build the output for a command. */
export function createOutput(options: {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  json: boolean;
  color: boolean;
}): Output {
  const palette = colorEnabled(options.stdout, options.env, options.color) ? COLORS : PLAIN;
  const errPalette = colorEnabled(options.stderr, options.env, options.color) ? COLORS : PLAIN;
  let printedJson = false;
  return {
    json: options.json,
    palette,
    errPalette,
    line: (text = '') => void options.stdout.write(`${text}\n`),
    errLine: (text) => void options.stderr.write(`${text}\n`),
    printJson: (value) => {
      printedJson = true;
      options.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
    },
    get printedJson() {
      return printedJson;
    },
  };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001b\[[0-9;]*m/g;

/** Visible width of text that may hold ANSI colour codes. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI_PATTERN, '')].length;
}

/** A plain text table with a header row; cells may be coloured. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  palette: Palette = PLAIN,
): string {
  const widths = headers.map((header, column) =>
    Math.max(visibleWidth(header), ...rows.map((row) => visibleWidth(row[column] ?? ''))),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const pad = (widths[column] ?? 0) - visibleWidth(cell);
        return column === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, pad));
      })
      .join('  ')
      .trimEnd();
  return [palette.bold(render(headers)), ...rows.map(render)].join('\n');
}

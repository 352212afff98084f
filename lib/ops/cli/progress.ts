import ora from 'ora';
import type { Clock, Step, StepReporter } from '../progress';
import type { OutputStream, Palette } from './output';

/** On a non-TTY, a running step repeats its latest text this often (CI logs are never silent). */
export const PLAIN_PROGRESS_EVERY_MS = 15_000;

/**
 * The step list shown while a command works: an ora spinner per step on a TTY; elsewhere (CI logs)
 * one plain line per step end, and the step's latest text every 15 s while it runs ("holding
 * eu-west-1 out, 3m12s left"); nothing when quiet. Always on stderr.
 */
export function createStepReporter(options: {
  stream: OutputStream & NodeJS.WritableStream;
  interactive: boolean;
  palette: Palette;
  /** Whether colours are on (the spinner frame is coloured only then). */
  color: boolean;
  quiet?: boolean;
  /** Times the plain progress lines. */
  clock: Clock;
}): StepReporter {
  const { palette } = options;
  const symbols = {
    ok: palette.green('✔'),
    fail: palette.red('✖'),
    warn: palette.yellow('⚠'),
    note: palette.dim('›'),
  };
  if (options.quiet) {
    return { start: () => ({ update() {}, succeed() {}, fail() {}, warn() {} }), note() {} };
  }
  if (!options.interactive) {
    const write = (text: string) => void options.stream.write(`${text}\n`);
    return {
      start(text) {
        let current = text;
        let lastShownMs = options.clock.now();
        return {
          update: (next) => {
            current = next;
            const now = options.clock.now();
            if (now - lastShownMs >= PLAIN_PROGRESS_EVERY_MS) {
              lastShownMs = now;
              write(`${symbols.note} ${next}`);
            }
          },
          succeed: (done) => write(`${symbols.ok} ${done ?? current}`),
          fail: (done) => write(`${symbols.fail} ${done ?? current}`),
          warn: (done) => write(`${symbols.warn} ${done ?? current}`),
        };
      },
      note: (text) => write(`${symbols.note} ${text}`),
    };
  }
  return {
    start(text): Step {
      const spinner = ora({
        text,
        stream: options.stream,
        isEnabled: true,
        discardStdin: false,
        color: options.color ? 'cyan' : undefined,
      }).start();
      const stop = (symbol: string, done?: string) =>
        void spinner.stopAndPersist({ symbol, text: done ?? spinner.text });
      return {
        update: (next) => void (spinner.text = next),
        succeed: (done) => stop(symbols.ok, done),
        fail: (done) => stop(symbols.fail, done),
        warn: (done) => stop(symbols.warn, done),
      };
    },
    note: (text) => void options.stream.write(`${symbols.note} ${text}\n`),
  };
}

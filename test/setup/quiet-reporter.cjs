// @ts-check
/**
 * Keeps a passing run quiet and makes the next slowdown visible: jest's `summary` reporter prints
 * failures and the totals; this one adds the console output of failing files only, and the ten
 * slowest test files of the run. With JEST_TIMINGS_FILE set (bench/suites/test-suite.ts sets it), it
 * also writes every file's time there as JSON.
 */
const { writeFileSync } = require('node:fs');
const path = require('node:path');

class QuietReporter {
  /** @param {unknown} _globalConfig @param {{ slowest?: number }} [options] */
  constructor(_globalConfig, options = {}) {
    this.slowest = options.slowest ?? 10;
    /** @type {{ file: string; seconds: number }[]} */
    this.files = [];
  }

  /**
   * @param {unknown} _test
   * @param {import('@jest/test-result').TestResult} result
   */
  onTestResult(_test, result) {
    const seconds = (result.perfStats.end - result.perfStats.start) / 1000;
    this.files.push({ file: path.relative(process.cwd(), result.testFilePath), seconds });
    const failed = result.numFailingTests > 0 || result.testExecError !== undefined;
    if (failed && result.console && result.console.length > 0) {
      const lines = result.console.map((entry) => `  [${entry.type}] ${entry.message}`);
      process.stderr.write(
        `\nconsole output of ${path.relative(process.cwd(), result.testFilePath)}:\n${lines.join('\n')}\n`,
      );
    }
  }

  onRunComplete() {
    const timingsFile = process.env.JEST_TIMINGS_FILE;
    if (timingsFile) writeFileSync(timingsFile, JSON.stringify(this.files));
    const rows = [...this.files].sort((a, b) => b.seconds - a.seconds).slice(0, this.slowest);
    if (rows.length === 0) return;
    const width = Math.max(...rows.map((row) => row.seconds.toFixed(1).length));
    process.stderr.write(
      `Slowest ${rows.length} test files:\n${rows.map((row) => `  ${row.seconds.toFixed(1).padStart(width)} s  ${row.file}`).join('\n')}\n`,
    );
  }
}

module.exports = QuietReporter;

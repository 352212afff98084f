// @ts-check
/**
 * Runs npm scripts at the same time and prints each one's output as a block when it ends, in the
 * order given, so `npm test` overlaps the single-threaded checks (ESLint + Prettier, `tsc`) on a
 * 2-core machine without interleaving their output. A passing script prints one line; a failing
 * one prints its whole output. Exits non-zero, naming the scripts, when any
 * fails.
 *
 *   node test/setup/run-parallel.cjs lint typecheck
 */
const { spawn } = require('node:child_process');

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  process.stderr.write('usage: node test/setup/run-parallel.cjs <npm script>...\n');
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** @param {string} script @returns {Promise<{ script: string; code: number; output: string; seconds: number }>} */
function run(script) {
  const started = Date.now();
  return new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = [];
    const child = spawn(npm, ['run', '--silent', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code, signal) =>
      resolve({
        script,
        code: code ?? (signal ? 1 : 0),
        output: Buffer.concat(chunks).toString('utf8'),
        seconds: (Date.now() - started) / 1000,
      }),
    );
  });
}

Promise.all(scripts.map(run)).then((results) => {
  for (const result of results) {
    const status = result.code === 0 ? 'ok' : `failed (exit ${result.code})`;
    process.stdout.write(
      `> npm run ${result.script}: ${status} in ${result.seconds.toFixed(1)} s\n`,
    );
    // Quiet when passing: a script's output is shown only when it failed.
    if (result.code !== 0 && result.output.trim() !== '') {
      process.stdout.write(`${result.output.trimEnd()}\n`);
    }
  }
  const failed = results.filter((result) => result.code !== 0).map((result) => result.script);
  if (failed.length > 0) {
    process.stderr.write(`failed: ${failed.map((script) => `npm run ${script}`).join(', ')}\n`);
    process.exitCode = 1;
  }
});

// Stands in for `npm run bench` in docs/benchmarks.md's examples: parses the options with the benchmark's own
// parser and prints what would run, so a documented invocation the benchmark no longer takes fails the docs test.

import { BenchUsageError, parseBenchOptions, usage } from '../../bench/harness/bench-options.ts';

try {
  const options = parseBenchOptions(process.argv.slice(2));
  process.stdout.write(options === undefined ? usage : `${JSON.stringify(options)}\n`);
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 2;
}

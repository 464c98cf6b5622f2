// `npm run bench`: runs the benchmarks, prints the Markdown table and the targets, writes bench/results/.

import { benchRegistry } from './bench-registry.ts';
import { BenchUsageError, parseBenchOptions, usage } from './harness/bench-options.ts';
import { runBench } from './harness/run-bench.ts';

let options;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  process.stderr.write(`bench: ${error.message}\n\n${usage}`);
  process.exit(2);
}
if (options === undefined) {
  process.stdout.write(usage);
  process.exit(0);
}

const run = await runBench(options, benchRegistry(options), (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`\n${run.markdown}\n`);
for (const target of run.results.targets)
  process.stdout.write(
    `${target.status === 'pass' ? 'PASS' : target.status === 'fail' ? 'FAIL' : 'N/A '}  ${target.goal}: ${target.measured ?? target.note ?? ''}\n`,
  );
process.stdout.write(`\nwrote ${run.files.json}\n  and ${run.files.markdown}\n`);
// A scenario that could run but failed is an error; skipped scenarios and missed targets are results.
process.exitCode = run.results.scenarios.some((s) => s.status === 'failed') ? 1 : 0;

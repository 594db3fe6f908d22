// `npm run bench`: runs every bench/*.bench.ts in turn (one process each, so their peak memory
// figures do not mix). Benchmarks generate their data at run time and print numbers and ratios.
//   npm run bench                 all of them
//   npm run bench -- lsp trace    only bench/lsp.bench.ts and bench/trace.bench.ts
//   npm run bench -- trace --time-order   other arguments go to each bench run
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

const all = fs.readdirSync('bench').filter((f) => f.endsWith('.bench.ts'));
const names = new Set(all.map((f) => f.replace(/\.bench\.ts$/, '')));
// Arguments that name a bench choose it; the others (--time-order, --gib 2, …) go to each bench.
const only = process.argv.slice(2).filter((a) => names.has(a));
const passOn = process.argv.slice(2).filter((a) => !names.has(a));
const benches = all.filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.ts$/, ''))).sort();
const build = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
let failed = 0;
for (const file of benches) {
  console.log(`\n=== bench/${file}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', `bench/${file}`, ...passOn], { stdio: 'inherit' });
  console.log(`=== bench/${file}: ${r.status === 0 ? 'done' : `FAILED (${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);

// node bench/measure.mjs STATS_FILE SCRIPT [ARGS…]: runs SCRIPT (the etl CLI, or the reference pipeline) in
// this process as if started as `node SCRIPT ARGS…`, and at exit writes { code, maxRssMb } to STATS_FILE:
// the peak resident memory of the whole process, Node and DuckDB together.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , stats, script, ...args] = process.argv;
process.argv = [process.argv[0], resolve(script), ...args];
process.on('exit', (code) => {
  writeFileSync(stats, JSON.stringify({ code, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
});
await import(pathToFileURL(resolve(script)).href);

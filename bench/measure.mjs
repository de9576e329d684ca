// node bench/measure.mjs STATS_FILE SCRIPT [ARGS…]: runs SCRIPT (the etl CLI, or the reference pipeline) in
// this process as if started as `node SCRIPT ARGS…`, and at exit writes { code, maxRssMb, cpuMs } to
// STATS_FILE: the peak resident memory of the whole process (Node and DuckDB together) and the CPU time of
// all its threads (user + system), which a busy shared machine disturbs less than the wall time.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , stats, script, ...args] = process.argv;
process.argv = [process.argv[0], resolve(script), ...args];
process.on('exit', (code) => {
  const u = process.resourceUsage();
  writeFileSync(stats, JSON.stringify({ code, maxRssMb: Math.round(u.maxRSS / 1024), cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000) }));
});
await import(pathToFileURL(resolve(script)).href);

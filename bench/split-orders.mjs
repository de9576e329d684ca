// Split a generated orders.csv into daily files, the way a shop's nightly exports arrive:
// `<dir>/YYYY-MM-DD.csv` for the order dates from `dailyFrom` on, `<dir>/YYYY-MM.csv` per month before it
// (older history in fewer files). Each file has the header line. A line whose order date does not parse
// (an injected defect) stays with the line before it; one dated after `lastDay` (a future-date defect) is in
// lastDay's file. Streams: any size.
//   node bench/split-orders.mjs <orders.csv> <dir> [dailyFrom YYYY-MM-DD] [lastDay YYYY-MM-DD]
// Used by tests/e2e/incremental.test.ts and bench/incremental.sh.
import { createReadStream, mkdirSync, appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

/** The 5th field (order_date) of a CSV line, quotes respected. */
function dateField(line) {
  let field = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if ((ch === ',' && !quoted) || i === line.length) {
      if (field === 4) return line.slice(start, i);
      field += 1;
      start = i + 1;
    }
  }
  return '';
}

export async function splitOrders(csv, dir, dailyFrom = '0000-00-00', lastDay = '9999-12-31') {
  mkdirSync(dir, { recursive: true });
  const buffers = new Map();
  const flush = (name) => {
    const lines = buffers.get(name);
    if (lines && lines.length > 0) appendFileSync(join(dir, name), `${lines.join('\n')}\n`);
    buffers.set(name, []);
  };
  let header;
  let current;
  const counts = {};
  for await (const line of createInterface({ input: createReadStream(csv), crlfDelay: Infinity })) {
    if (header === undefined) {
      header = line;
      continue;
    }
    let date = dateField(line).slice(0, 10);
    if (date > lastDay) date = lastDay;
    if (/^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`))) current = date >= dailyFrom ? `${date}.csv` : `${date.slice(0, 7)}.csv`;
    const name = current ?? 'undated.csv';
    if (!buffers.has(name)) {
      buffers.set(name, [header]);
      counts[name] = 0;
    }
    buffers.get(name).push(line);
    counts[name] += 1;
    if (buffers.get(name).length >= 5000) flush(name);
  }
  for (const name of buffers.keys()) flush(name);
  return counts;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [csv, dir, dailyFrom, lastDay] = process.argv.slice(2);
  const counts = await splitOrders(csv, dir, dailyFrom, lastDay);
  process.stdout.write(`${Object.keys(counts).length} files\n`);
}

// reports/dashboard.html shows the quarantine rates of the runs before it (output/_runs): history, like
// _runs/ itself. Tests that compare two publications byte for byte compare the page without it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { treeHashes } from './cli.ts';

const DATA = /(<script type="application\/json" id="etl-data">)([^<]*)(<\/script>)/;

/** The page with its run history (the data's `runs` and `runs_note`) left out. */
export function dashboardWithoutHistory(html: string): string {
  const m = DATA.exec(html);
  if (!m) throw new Error('dashboard.html holds no #etl-data element');
  const { runs: _runs, runs_note: _note, ...rest } = JSON.parse(m[2]!) as Record<string, unknown>;
  return html.replace(DATA, `$1${JSON.stringify(rest)}$3`);
}

/** sha256 of every report file, the dashboard's without its run history. */
export function reportHashes(dir: string): Record<string, string> {
  const hashes = treeHashes(dir, /^dashboard\.html$/);
  const page = join(dir, 'dashboard.html');
  if (existsSync(page)) hashes['dashboard.html'] = createHash('sha256').update(dashboardWithoutHistory(readFileSync(page, 'utf8'))).digest('hex');
  return hashes;
}

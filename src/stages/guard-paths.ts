// Paths that would destroy data are refused before anything is touched (exit 2): --data, --out,
// --reports and the spill folder may not be the same folder or inside one another (compared as real
// paths, symlinks resolved), and --out / --reports may only replace a folder that is empty or that an
// earlier etl run wrote (it carries a marker file). The publish replaces those two folders whole.
import { constants, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { EtlError } from '../errors.ts';

/** The marker file an etl run leaves in each folder it publishes. */
export const OUTPUT_MARKERS = { output: '.etl-output', reports: '.etl-reports' } as const;
/** What an output or reports folder of a run older than the markers holds. */
const LEGACY_SIGNS = { output: '_runs', reports: 'quality_report.json' } as const;

export interface RunPaths {
  data: string;
  out: string;
  reports: string;
  spill: string;
}

/** The real path of p; for a path that does not exist yet, its nearest existing ancestor's real path + the rest. */
export function realPathOf(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const rest: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) break;
    rest.unshift(basename(head));
    head = up;
  }
  return join(realpathSync(head), ...rest);
}

function inside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r !== '' && r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r);
}

const unsafe = (message: string, file: string, hint: string) => new EtlError('OUTPUT_UNSAFE', message, { location: { file }, hint });

export function guardRunPaths(paths: RunPaths): void {
  const named: [string, string][] = [
    ['--data', realPathOf(paths.data)],
    ['--out', realPathOf(paths.out)],
    ['--reports', realPathOf(paths.reports)],
    ['the spill folder', realPathOf(paths.spill)],
  ];
  for (const [i, [a, pa]] of named.entries()) {
    for (const [b, pb] of named.slice(i + 1)) {
      if (pa === pb) throw unsafe(`${a} and ${b} are the same folder (${pa})`, pa, 'give the sources, the output and the reports folders of their own');
      if (inside(pa, pb)) throw unsafe(`${a} (${pa}) is inside ${b} (${pb})`, pa, 'give the sources, the output and the reports folders side by side, none inside another');
      if (inside(pb, pa)) throw unsafe(`${b} (${pb}) is inside ${a} (${pa})`, pb, 'give the sources, the output and the reports folders side by side, none inside another');
    }
  }
  guardReplaceable('--out', paths.out, 'output');
  guardReplaceable('--reports', paths.reports, 'reports');
}

/** A folder the publish will replace must be absent, empty, or an earlier etl run's. */
function guardReplaceable(option: string, dir: string, kind: keyof typeof OUTPUT_MARKERS): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw unsafe(`${option} ${dir} is a file, not a folder`, dir, `pass a folder for ${option}`);
  }
  const entries = readdirSync(dir);
  if (entries.length === 0 || entries.includes(OUTPUT_MARKERS[kind]) || entries.includes(LEGACY_SIGNS[kind])) return;
  throw unsafe(`${option} ${resolve(dir)} holds files that an etl run did not write (no ${OUTPUT_MARKERS[kind]} marker): refusing to replace them`, dir,
    `pass an empty or new folder for ${option}, or the ${kind} folder of an earlier etl run`);
}

/** The output, reports and their parents must be writable (checked before the run reads anything). */
export async function guardWritable(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    for (const d of [dir, dirname(dir)]) {
      if (!existsSync(d)) continue;
      try {
        await access(d, constants.W_OK | constants.X_OK);
      } catch (cause) {
        throw new EtlError('OUTPUT_NOT_WRITABLE', `${resolve(d)} is not writable (${(cause as NodeJS.ErrnoException).code ?? 'EACCES'})`, {
          location: { file: d },
          hint: 'choose a writable --out/--reports, or fix the folder permissions',
          cause,
        });
      }
    }
  }
}

/** Every source file must be a readable regular file (a folder, a socket or an unreadable file is
 * invalid input, found before the engine trips over it). */
export async function guardSources(files: string[]): Promise<void> {
  for (const file of files) {
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      continue; // a missing file is the planner's business (SOURCE_NOT_FOUND)
    }
    if (!isFile) {
      throw new EtlError('SOURCE_UNREADABLE', `${file} is not a file (a folder or a device)`, { location: { file }, hint: 'a source must be a regular file; check the name in --data' });
    }
    try {
      await (await open(file, 'r')).close();
    } catch (cause) {
      throw new EtlError('SOURCE_UNREADABLE', `cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, {
        location: { file },
        hint: 'check the file permissions',
        cause,
      });
    }
  }
}

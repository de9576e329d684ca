// A file replaced whole or not at all: written beside its target (`<file>.<pid>.tmp`, same folder, so the
// rename is atomic) and renamed over it. A failed write removes its temporary file; one left by a process
// killed between the two steps is found by staleTempFiles and removed by the next run (stages/spill.ts).
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const tempPathOf = (file: string, pid = process.pid): string => `${file}.${pid}.tmp`;

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = tempPathOf(file);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** The temporary files writeFileAtomic left in `dir` in processes other than this one, for the targets
 * `wanted` accepts (by name): [path, pid]. */
export async function staleTempFiles(dir: string, wanted: (target: string) => boolean): Promise<[string, number][]> {
  if (!existsSync(dir)) return [];
  const found: [string, number][] = [];
  for (const name of await readdir(dir)) {
    const m = /^(.+)\.(\d+)\.tmp$/.exec(name);
    if (m && wanted(m[1]!) && Number(m[2]) !== process.pid) found.push([join(dir, name), Number(m[2])]);
  }
  return found;
}

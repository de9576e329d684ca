// A file replaced whole or not at all: written beside its target (`<file>.<pid>.tmp`, same folder, so the
// rename is atomic) and renamed over it. A failed write removes its temporary file; one left by a process
// killed between the two steps is found by staleTempFiles and removed by the next run (stages/spill.ts).
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const tempPathOf = (file: string, pid = process.pid): string => `${file}.${pid}.tmp`;

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

/** The temporary files writeFileAtomic left beside `file` in processes other than this one: [path, pid]. */
export async function staleTempFiles(file: string): Promise<[string, number][]> {
  const dir = dirname(file);
  if (!existsSync(dir)) return [];
  const prefix = `${basename(file)}.`;
  const found: [string, number][] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.tmp$/.exec(name.slice(prefix.length));
    if (m && Number(m[1]) !== process.pid) found.push([join(dir, name), Number(m[1])]);
  }
  return found;
}

// Golden-file comparison: UPDATE_GOLDEN=1 rewrites the file; on a mismatch the actual output is written
// beside it as <name>-changed so that the difference can be reviewed with any diff tool.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

const GOLDEN_DIR = join(import.meta.dirname, 'golden');

export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  const changed = `${file}-changed`;
  if (process.env['UPDATE_GOLDEN'] === '1') {
    writeFileSync(file, actual, 'utf8');
    rmSync(changed, { force: true });
    return;
  }
  expect(existsSync(file), `golden file ${name} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
  const expected = readFileSync(file, 'utf8');
  if (expected !== actual) writeFileSync(changed, actual, 'utf8');
  else rmSync(changed, { force: true });
  expect(actual).toBe(expected);
}

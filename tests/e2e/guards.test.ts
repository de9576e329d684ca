// Paths that would destroy data, and inputs the README calls invalid, end in exit 2 with one clear
// line, and touch nothing: the inputs, the previous output and any foreign folder stay byte for byte.
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, treeHashes, type CliOptions } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-guards-');
const data = join(work, 'data');
const out = join(work, 'output');
const reports = join(work, 'reports');
const runArgs = (o: { data?: string; out?: string; reports?: string; extra?: string[] } = {}) => ['run', '--data', o.data ?? data, '--contracts', join(ROOT, 'contracts'),
  '--pipeline', join(ROOT, 'pipeline'), '--out', o.out ?? out, '--reports', o.reports ?? reports, '--as-of', AS_OF, '--log-level', 'warn', ...(o.extra ?? [])];

/** Everything under the work folder, hidden files (locks, staging) included. */
const everything = () => ({ files: treeHashes(work), top: readdirSync(work).sort() });

function refused(args: string[], code: RegExp, options: CliOptions = {}): string {
  const before = everything();
  const r = runCli(args, options);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(code);
  expect(r.stderr).not.toMatch(/INTERNAL|\n\s+at /);
  expect(everything()).toEqual(before);
  return lines[0]!;
}

beforeAll(() => {
  expect(runCli(['generate', '--out', data, '--orders', '300', '--seed', '4', '--as-of', AS_OF, '--no-optional']).code).toBe(0);
  const r = runCli(runArgs());
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('paths that would destroy data are refused, nothing touched', () => {
  it('--out equal to --data (the inputs are never deleted)', () => {
    expect(refused(runArgs({ out: data }), /^OUTPUT_UNSAFE: --data and --out are the same folder/)).toContain(data);
  });
  it('--out a symlink to --data (real paths compared)', () => {
    symlinkSync(data, join(work, 'data-link'));
    refused(runArgs({ out: join(work, 'data-link') }), /^OUTPUT_UNSAFE: --data and --out are the same folder/);
    rmSync(join(work, 'data-link'));
  });
  it('--reports equal to --out (the previous output stays)', () => {
    refused(runArgs({ reports: out }), /^OUTPUT_UNSAFE: --out and --reports are the same folder/);
  });
  it('--out inside --data, --data inside --out, --reports inside --out, --out inside --reports', () => {
    refused(runArgs({ out: join(data, 'output') }), /^OUTPUT_UNSAFE: --out \(.*\) is inside --data/);
    refused(runArgs({ data: join(out, 'data_lake') }), /^OUTPUT_UNSAFE: --data \(.*\) is inside --out/);
    refused(runArgs({ reports: join(out, 'reports') }), /^OUTPUT_UNSAFE: --reports \(.*\) is inside --out/);
    refused(runArgs({ out: join(reports, 'out') }), /^OUTPUT_UNSAFE: --out \(.*\) is inside --reports/);
  });
  it('--out . in a folder holding other files', () => {
    const folder = join(work, 'project');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.md'), 'mine\n');
    refused(runArgs({ out: '.', reports: join(work, 'r-dot') }).map((a) => a), /^OUTPUT_UNSAFE: --out .*project holds files that an etl run did not write/, { cwd: folder });
    expect(readFileSync(join(folder, 'notes.md'), 'utf8')).toBe('mine\n');
  });
  it('--out or --reports holding files etl did not write (no marker)', () => {
    const foreign = join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'thesis.tex'), 'x');
    refused(runArgs({ out: foreign, reports: join(work, 'r-foreign') }), /^OUTPUT_UNSAFE: --out .*foreign holds files that an etl run did not write \(no \.etl-output marker\)/);
    refused(runArgs({ out: join(work, 'o-foreign'), reports: foreign }), /^OUTPUT_UNSAFE: --reports .*foreign holds files that an etl run did not write \(no \.etl-reports marker\)/);
  });
  it('an empty folder and an earlier etl output are accepted', () => {
    mkdirSync(join(work, 'empty-out'));
    const r = runCli(runArgs({ out: join(work, 'empty-out'), reports: reports }));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(work, 'empty-out'))).toContain('.etl-output');
    expect(readdirSync(reports)).toContain('.etl-reports');
  }, 120_000);
});

describe('invalid input ends in exit 2 with one clear line, not 3 INTERNAL', () => {
  const isRoot = process.getuid?.() === 0;
  // Root reads and writes through any permission bit: as root, the permission cases run the CLI as
  // the unprivileged user nobody, so that the kernel really refuses.
  const asUser: CliOptions = isRoot ? { uid: 65534, gid: 65534 } : {};

  it('a JSON key ""', () => {
    const d = join(work, 'data-empty-key');
    cpSync(data, d, { recursive: true });
    const lines = readFileSync(join(d, 'customers.json'), 'utf8').split('\n');
    lines[2] = lines[2]!.replace(/^\{/, '{"":"x",');
    writeFileSync(join(d, 'customers.json'), lines.join('\n'));
    expect(refused(runArgs({ data: d, out: join(work, 'o-key'), reports: join(work, 'r-key') }), /^SOURCE_HEADER_INVALID: .*customers\.json has a column or key with an empty name/)).toBeTruthy();
  });
  it('a source that is a directory', () => {
    const d = join(work, 'data-dir');
    cpSync(data, d, { recursive: true });
    rmSync(join(d, 'inventory.csv'));
    mkdirSync(join(d, 'inventory.csv'));
    refused(runArgs({ data: d, out: join(work, 'o-dir'), reports: join(work, 'r-dir') }), /^SOURCE_UNREADABLE: .*inventory\.csv is not a file/);
  });
  it('an unreadable source file (chmod 000)', () => {
    const shared = join(work, 'shared');
    mkdirSync(shared, { mode: 0o777 });
    chmodSync(shared, 0o777);
    chmodSync(work, 0o755);
    const d = join(shared, 'data');
    cpSync(data, d, { recursive: true });
    chmodSync(join(d, 'products.parquet'), 0o000);
    refused(runArgs({ data: d, out: join(shared, 'o'), reports: join(shared, 'r') }), /^SOURCE_UNREADABLE: cannot read .*products\.parquet \(EACCES\)/, asUser);
  });
  it('a read-only output folder', () => {
    const shared = join(work, 'shared-ro');
    mkdirSync(shared, { mode: 0o777 });
    chmodSync(shared, 0o777);
    chmodSync(work, 0o755);
    const ro = join(shared, 'ro-out');
    cpSync(out, ro, { recursive: true });
    chmodSync(ro, 0o555);
    refused(runArgs({ out: ro, reports: join(shared, 'r') }), /^OUTPUT_NOT_WRITABLE: .*ro-out is not writable \(EACCES\)/, asUser);
    // A read-only parent: no lock, no staging can be made beside the output.
    const parent = join(shared, 'ro-parent');
    mkdirSync(parent, { mode: 0o555 });
    chmodSync(parent, 0o555);
    refused(runArgs({ out: join(parent, 'out'), reports: join(shared, 'r2') }), /^OUTPUT_NOT_WRITABLE: .*ro-parent is not writable \(EACCES\)/, asUser);
  });
  it('--memory-limit lots', () => {
    refused(runArgs({ extra: ['--memory-limit', 'lots'] }), /^USAGE_INVALID: --memory-limit 'lots' is not a size/);
  });
  it('--as-of 2026-02-30 (no such day; not rolled over into March)', () => {
    const r = runCli([...runArgs(), '--as-of', '2026-02-30']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/--as-of .*'2026-02-30' is invalid\. expected a calendar date YYYY-MM-DD/);
    expect(r.stderr).not.toMatch(/INTERNAL|ENGINE/);
  });
  it('usage errors (a bad value, an unknown option or command, a missing argument) read like every other error', () => {
    for (const [args, message] of [
      [['run', '--threads', '0'], "option '--threads <n>' argument '0' is invalid. expected a positive integer"],
      [['run', '--bogus'], "unknown option '--bogus'"],
      [['frob'], "unknown command 'frob'"],
      [['runs', 'show'], "missing required argument 'id'"],
    ] as const) {
      const r = runCli([...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toEqual([`USAGE_INVALID: ${message}`, '  hint: add --help for the usage']);
    }
  });
});

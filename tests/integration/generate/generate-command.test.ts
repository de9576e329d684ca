import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCommand } from '../../../src/commands/generate.ts';
import { withEngine } from '../../../src/engine/engine.ts';
import { EtlError } from '../../../src/errors.ts';
import { writeLines } from '../../../src/generate/write-lines.ts';
import { sql } from '../../../src/sql/sql.ts';

let root = '';
const base = { orders: 500, seed: 1, defectRate: 0, asOf: '2026-11-20', optional: true, logLevel: 'silent' };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'etl-generate-cmd-'));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('generateCommand', () => {
  it('writes every source and the manifest, then only the required ones with --no-optional', async () => {
    const out = join(root, 'data');
    expect(await generateCommand({ ...base, out })).toBe(0);
    expect((await readdir(out)).sort()).toEqual(
      ['_defects.json', 'customers.json', 'inventory.csv', 'orders.csv', 'products.parquet', 'promotions.csv', 'returns.csv', 'web_events.csv'],
    );
    await writeFile(join(out, 'notes.txt'), 'not ours');
    expect(await generateCommand({ ...base, out, optional: false })).toBe(0);
    // The optional files of the first run are gone (they would not match the new data); other files stay.
    expect((await readdir(out)).sort()).toEqual(['_defects.json', 'customers.json', 'inventory.csv', 'notes.txt', 'orders.csv', 'products.parquet']);
    const manifest = JSON.parse(await readFile(join(out, '_defects.json'), 'utf8'));
    expect(Object.keys(manifest.datasets)).toEqual(['customers', 'inventory', 'orders', 'products']);
    expect(manifest.datasets.orders.expected.records_in).toBe(500);
  });

  it('refuses invalid options with a usage error', async () => {
    const out = join(root, 'bad');
    for (const opts of [{ orders: 0 }, { orders: 2.5 }, { defectRate: 1.5 }, { asOf: '20-11-2026' }, { seed: -1 }]) {
      const run = generateCommand({ ...base, out, ...opts });
      await expect(run).rejects.toBeInstanceOf(EtlError);
      await expect(generateCommand({ ...base, out, ...opts })).rejects.toMatchObject({ code: 'USAGE_INVALID', exitCode: 2 });
    }
  });
});

describe('writeLines', () => {
  it('writes each line verbatim, in (pos, tie) order, with LF line ends', async () => {
    const file = join(root, 'lines.txt');
    await withEngine((e) =>
      writeLines(e, file, sql`SELECT * FROM (VALUES
        ('a,"b",c', 2.0, 0), ('{"k":"v\\"w","t":"x\ty"}', 1.0, 0), ('ünï\\cøde, ''q''', 1.0, 1), ('"unterminated,x', 3.0, 0)
      ) v(line, pos, tie)`, 'h1,h2'),
    );
    expect(await readFile(file, 'utf8')).toBe('h1,h2\n{"k":"v\\"w","t":"x\ty"}\nünï\\cøde, \'q\'\na,"b",c\n"unterminated,x\n');
  });
});

describe('csvField', () => {
  it('quotes only fields with a comma, quote or line break, doubling quotes (RFC 4180)', async () => {
    const { csvField } = await import('../../../src/generate/text.ts');
    const values = ['plain', 'a,b', 'say "hi"', 'two\nlines', ''];
    const rows = await withEngine((e) =>
      e.rows(sql`SELECT ${csvField(sql`v`)} AS f FROM unnest(${sql`[${values[0]!}, ${values[1]!}, ${values[2]!}, ${values[3]!}, ${values[4]!}]`}) t(v)`),
    );
    expect(rows.map((r) => r['f'])).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '']);
  });
});

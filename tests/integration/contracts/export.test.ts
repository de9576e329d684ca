// Contract exports on real engines: the DDL of every contract in contracts/ runs in DuckDB, its
// constraints hold (a row breaking a CHECK, NOT NULL or the key is refused), hostile names stay names;
// the JSON Schema compiles in ajv and accepts / refuses the records the contract accepts / refuses.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadContracts } from '../../../src/contracts/index.ts';
import { contractToJsonSchema } from '../../../src/contracts/export-jsonschema.ts';
import { renderMarkdownDictionary } from '../../../src/contracts/export-markdown.ts';
import { renderDdl } from '../../../src/contracts/export-sql.ts';
import { withEngine } from '../../../src/engine/engine.ts';
import { sql, trusted } from '../../../src/sql/sql.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

const HOSTILE = `apiVersion: v3.1.0
kind: DataContract
id: odd
name: odd
version: 2.0.0
status: active
customProperties:
  - property: dataset
    value: odd
schema:
  - name: odd
    properties:
      - name: 'a"; DROP TABLE x; --'
        logicalType: string
        required: true
        primaryKey: true
      - name: level
        logicalType: string
        customProperties:
          - property: validValues
            value: ["it's", low]
      - name: score
        logicalType: number
        logicalTypeOptions:
          exclusiveMinimum: 0
          maximum: 1.5
`;

describe('export --format sql', () => {
  it('the DDL of every contract in contracts/ runs in DuckDB and creates every table with its columns', async () => {
    const { contracts, problems } = await loadContracts([join(ROOT, 'contracts')]);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const ddl = renderDdl(contracts);
    await withEngine(async (e) => {
      await e.exec(trusted(ddl));
      const tables = await e.rows(sql`SELECT schema_name || '.' || table_name AS t, column_count AS n FROM duckdb_tables() ORDER BY 1`);
      expect(tables).toEqual(
        [...contracts].sort((a, b) => `${a.layer}.${a.dataset}`.localeCompare(`${b.layer}.${b.dataset}`)).map((c) => ({ t: `${c.layer}.${c.dataset}`, n: c.properties.length })),
      );
    });
  });

  it('constraints are enforced: NOT NULL, CHECK bounds and valid values, the primary key; names cannot inject', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-export-'));
    writeFileSync(join(dir, 'odd.yaml'), HOSTILE);
    const { contracts } = await loadContracts([join(dir, 'odd.yaml')]);
    const ddl = renderDdl(contracts);
    expect(ddl).toContain('"a""; DROP TABLE x; --" VARCHAR NOT NULL');
    expect(ddl).toContain(`CHECK ("level" IN ('it''s', 'low'))`);
    await withEngine(async (e) => {
      await e.exec(trusted(ddl));
      const t = trusted('"source"."odd"');
      await e.exec(sql`INSERT INTO ${t} VALUES ('k1', 'low', 1.5), ('k2', NULL, NULL), ('k3', 'it''s', 0.1)`);
      for (const bad of [sql`('k4', 'high', 1)`, sql`('k5', 'low', 0)`, sql`('k6', 'low', 1.6)`, sql`(NULL, 'low', 1)`, sql`('k1', 'low', 1)`]) {
        await expect(e.exec(sql`INSERT INTO ${t} VALUES ${bad}`)).rejects.toMatchObject({ code: 'ENGINE_QUERY_FAILED' });
      }
      expect(await e.scalar(sql`SELECT count(*) FROM ${t}`)).toBe(3);
    });
  });
});

describe('export --format jsonschema / markdown', () => {
  it('the record schema accepts what the contract accepts and refuses what it refuses', async () => {
    const { contracts } = await loadContracts([join(ROOT, 'contracts', 'orders.source.yaml')], { context: [join(ROOT, 'contracts')] });
    const ajv = new Ajv2020.default({ strict: true, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(contractToJsonSchema(contracts[0]!));
    const good = { order_id: 'O1', customer_id: 'C1', product_id: 'P1', quantity: 2, order_date: '2026-01-02 10:00:00' };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...good, order_date: '2026-01-02' })).toBe(true);
    expect(validate({ ...good, quantity: 0 })).toBe(false);
    expect(validate({ ...good, quantity: 1.5 })).toBe(false);
    expect(validate({ ...good, order_date: '02/01/2026' })).toBe(false);
    const { order_id: _drop, ...missing } = good;
    expect(validate(missing)).toBe(false);
  });

  it('the Markdown dictionary has one row per property and the rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-export-md-'));
    writeFileSync(join(dir, 'odd.yaml'), HOSTILE);
    const { contracts } = await loadContracts([join(dir, 'odd.yaml')]);
    const md = renderMarkdownDictionary(contracts);
    expect(md).toContain('## odd (source)');
    expect(md).toContain('| `level` |  | string |  |  | one of it\'s, low |  |  |');
    expect(md).toContain('| `score` |  | number |  |  | > 0; <= 1.5 |  |  |');
    expect(md.split('\n').filter((l) => l.startsWith('| `')).length).toBe(3);
  });
});

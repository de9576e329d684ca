// `etl contracts lint` knows what the models read: a property a gold or staging model uses that no
// contract declares is an error with the model's file:line and a hint, exit 2 — never a binder error
// halfway through a run.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

function copyProject(): { contracts: string; pipeline: string } {
  const dir = tempDir('etl-lint-models-');
  cpSync(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
  cpSync(join(ROOT, 'pipeline'), join(dir, 'pipeline'), { recursive: true });
  return { contracts: join(dir, 'contracts'), pipeline: join(dir, 'pipeline') };
}

function rename(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replaceAll(`- name: ${from}\n`, `- name: ${to}\n`);
  expect(next).not.toBe(text);
  writeFileSync(file, next);
}

describe('etl contracts lint binds the models', () => {
  it('passes on the shipped contracts and models', () => {
    const r = runCli(['contracts', 'lint']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 problems/);
  });

  it('names the model, its line and the property when a property a model reads is renamed', () => {
    const p = copyProject();
    rename(join(p.contracts, 'products.source.yaml'), 'category', 'product_category');
    rename(join(p.contracts, 'products.silver.yaml'), 'category', 'product_category');
    rename(join(p.contracts, 'products.source.yaml'), 'brand', 'maker');
    rename(join(p.contracts, 'products.silver.yaml'), 'brand', 'maker');
    const r = runCli(['contracts', 'lint', '--contracts', p.contracts, '--pipeline', p.pipeline]);
    expect(r.code).toBe(2);
    // The first model (by name) that reads category is named with its line; the others are listed after it.
    const models = join(p.pipeline, 'models').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`${models}/(\\w+)\\.sql:(\\d+) MODEL_INVALID gold model (\\w+) reads products\\.category, which no contract of products declares \\(also read by [^)]*dim_products`).exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(m![1]).toBe(m![3]);
    // The line it names is a line of the model that reads category.
    expect(readFileSync(join(p.pipeline, 'models', `${m![1]}.sql`), 'utf8').split('\n')[Number(m![2]) - 1]).toMatch(/\bcategory\b/);
    expect(r.stdout).toMatch(/hint: a property the models read was renamed or removed: declare category in .*products\.silver\.yaml/);
    // A column a shop may lack is a warning that names the models reading NULL, not an error.
    expect(r.stdout).toMatch(/\(warning\) products declares no brand: .*dim_products/);
    expect(r.stdout).not.toMatch(/Binder Error/);
  });

  it('refuses a staging model that reads an unknown raw source, with its line', () => {
    const p = copyProject();
    mkdirSync(join(p.pipeline, 'staging'));
    writeFileSync(join(p.pipeline, 'staging', 'returns.sql'), '-- shaped returns\nSELECT *\nFROM raw.shop_returns\n');
    const r = runCli(['contracts', 'lint', '--contracts', p.contracts, '--pipeline', p.pipeline]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${join(p.pipeline, 'staging', 'returns.sql')}:3 MODEL_INVALID staging model returns reads raw.shop_returns, but no source contract declares the dataset shop_returns`);
  });
});

// `etl contracts lint` caches what only depends on file contents (parsed contracts, the models' binding)
// under a hash of those contents: a second lint reads the cache and opens no engine, and the first lint
// after an edit sees the edit's problems.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

describe('etl contracts lint cache', () => {
  it('reuses unchanged results and sees every edit', () => {
    const dir = tempDir('etl-lint-cache-');
    const contracts = join(dir, 'contracts');
    const pipeline = join(dir, 'pipeline');
    cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
    cpSync(join(ROOT, 'pipeline'), pipeline, { recursive: true });
    const cache = join(dir, 'cache');
    const profile = join(dir, 'sql.txt');
    const lint = () => runCli(['contracts', 'lint', '--contracts', contracts, '--pipeline', pipeline], { env: { ETL_CACHE_DIR: cache, ETL_PROFILE_SQL: profile } });

    const first = lint();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/0 problems/);
    const entries = readdirSync(cache).sort();
    expect(entries.filter((e) => e.startsWith('contract-')).length).toBe(readdirSync(contracts, { recursive: true }).filter((f) => String(f).endsWith('.yaml')).length);
    expect(entries.filter((e) => e.startsWith('models-')).length).toBe(1);
    expect(existsSync(profile)).toBe(true); // the models were bound through DuckDB

    rmSync(profile);
    const second = lint();
    expect(second.stdout).toBe(first.stdout);
    expect(second.code).toBe(0);
    expect(readdirSync(cache).sort()).toEqual(entries);
    expect(existsSync(profile)).toBe(false); // no engine opened

    // An edit: a property the models read is renamed. The first lint after it reports it.
    const products = join(contracts, 'products.silver.yaml');
    const original = readFileSync(products, 'utf8');
    writeFileSync(products, original.replaceAll('- name: category\n', '- name: product_category\n'));
    writeFileSync(join(contracts, 'products.source.yaml'), readFileSync(join(contracts, 'products.source.yaml'), 'utf8').replaceAll('- name: category\n', '- name: product_category\n'));
    const edited = lint();
    expect(edited.code).toBe(2);
    expect(edited.stdout).toMatch(/MODEL_INVALID gold model \w+ reads products\.category, which no contract of products declares/);

    // An edit of a model alone is seen too.
    cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
    const model = join(pipeline, 'models', 'dim_products.sql');
    writeFileSync(model, readFileSync(model, 'utf8').replace(/\bbrand\b/, 'brand_name'));
    const modelEdited = lint();
    expect(modelEdited.code).toBe(2);
    expect(modelEdited.stdout).toMatch(/dim_products\.sql:\d+ MODEL_INVALID gold model dim_products reads "brand_name"/);

    // Back as it was: clean again, from the cache.
    cpSync(join(ROOT, 'pipeline'), pipeline, { recursive: true });
    rmSync(profile, { force: true });
    const restored = lint();
    expect(restored.stdout).toBe(first.stdout);
    expect(existsSync(profile)).toBe(false);
  });

  it('ETL_CACHE=off reads and writes nothing', () => {
    const dir = tempDir('etl-lint-cache-off-');
    const r = runCli(['contracts', 'lint'], { env: { ETL_CACHE_DIR: join(dir, 'cache'), ETL_CACHE: 'off' } });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'cache'))).toBe(false);
  });
});

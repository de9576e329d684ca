// `etl contracts lint` caches what only depends on file contents (parsed contracts, the models' binding)
// under a hash of those contents: a second lint reads the cache and opens no engine, and the first lint
// after an edit sees the edit's problems.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

/** A copy of the project's contracts and pipeline, a cache folder, and the SQL profile a lint that opens
 * an engine writes (so its presence says whether the models were bound). */
function fixture(prefix: string) {
  const dir = tempDir(prefix);
  const contracts = join(dir, 'contracts');
  const pipeline = join(dir, 'pipeline');
  cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });
  cpSync(join(ROOT, 'pipeline'), pipeline, { recursive: true });
  return { contracts, pipeline, cache: join(dir, 'cache'), profile: join(dir, 'sql.txt') };
}

describe('etl contracts lint cache', () => {
  it('reuses unchanged results and sees every edit', () => {
    const { contracts, pipeline, cache, profile } = fixture('etl-lint-cache-');
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

  it('binds again only for an edit the binding reads, and never hides a problem', () => {
    const { contracts, pipeline, cache, profile } = fixture('etl-lint-cache-view-');
    const lint = () => {
      rmSync(profile, { force: true });
      const r = runCli(['contracts', 'lint', '--contracts', contracts, '--pipeline', pipeline], { env: { ETL_CACHE_DIR: cache, ETL_PROFILE_SQL: profile } });
      return { ...r, bound: existsSync(profile) };
    };
    const edit = (file: string, from: string | RegExp, to: string): void => {
      const text = readFileSync(file, 'utf8');
      const next = text.replace(from, to);
      expect(next).not.toBe(text);
      writeFileSync(file, next);
    };
    const first = lint();
    expect(first.code, first.stderr).toBe(0);
    expect(first.bound).toBe(true);
    const models = () => readdirSync(cache).filter((e) => e.startsWith('models-')).length;

    // A gold contract and a silver rule's description: the binding reads neither, no engine is opened.
    const fact = join(contracts, 'gold', 'fact_orders.yaml');
    edit(fact, "description: 'Order identifier.'", "description: 'The order identifier.'");
    edit(join(contracts, 'orders.silver.yaml'), 'description: An order cannot be placed after', 'description: No order is placed after');
    const described = lint();
    expect(described.stdout).toBe(first.stdout);
    expect(described.bound).toBe(false);
    expect(models()).toBe(1);

    // A problem in a gold contract is still reported (by the contract's own checks).
    edit(fact, /logicalType: string/, 'logicalType: strung');
    const broken = lint();
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/gold[/\\]fact_orders\.yaml:\d+:\d+ CONTRACT_SCHEMA_INVALID .*strung/);
    cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });

    // Lines moved in a silver contract: the binding reads a line only to place a problem, and a clean
    // binding placed none, so nothing is bound again.
    const products = join(contracts, 'products.silver.yaml');
    edit(join(contracts, 'orders.silver.yaml'), /^/, '# moved one line down\n');
    const moved = lint();
    expect(moved.stdout).toBe(first.stdout);
    expect(moved.bound).toBe(false);
    // A problem that points at a contract's line follows the line when it moves.
    for (const f of [products, join(contracts, 'products.source.yaml')]) edit(f, /      - name: brand\n(        .*\n)+/, '');
    const gap = lint();
    expect(gap.code).toBe(0);
    expect(gap.bound).toBe(true);
    const at = /products\.silver\.yaml:(\d+) MODEL_INVALID \(warning\) products declares no brand/.exec(gap.stdout);
    expect(at, gap.stdout).not.toBeNull();
    edit(products, /^/, '# moved one line down\n# and another\n');
    const gapMoved = lint();
    expect(gapMoved.bound).toBe(true);
    expect(gapMoved.stdout).toBe(gap.stdout.replace(`products.silver.yaml:${at![1]} `, `products.silver.yaml:${Number(at![1]) + 2} `));
    edit(join(contracts, 'orders.silver.yaml'), /^/, '# and elsewhere\n');
    expect(lint()).toMatchObject({ stdout: gapMoved.stdout, bound: false });
    cpSync(join(ROOT, 'contracts'), contracts, { recursive: true });

    // The config: an invalid value after a clean lint is reported; a valid new value binds again and is clean.
    const config = join(pipeline, 'config.yaml');
    edit(config, /^  threshold: \d+$/m, '  threshold: -5');
    const invalid = lint();
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toMatch(/config\.yaml:\d+ MODEL_INVALID low_stock\.threshold: Too small/);
    edit(config, /^  threshold: -5$/m, '  threshold: 12');
    const changed = lint();
    expect(changed.code).toBe(0);
    expect(changed.bound).toBe(true);
    expect(readdirSync(cache).filter((e) => e.startsWith('vars-')).length).toBe(2); // the original and 12
    // A config key no model reads: the config is parsed again, nothing is bound again.
    edit(config, /^  window_days: 56$/m, '  window_days: 57');
    const unread = lint();
    expect(unread).toMatchObject({ stdout: changed.stdout, code: 0, bound: false });
    expect(readdirSync(cache).filter((e) => e.startsWith('vars-')).length).toBe(3);
  });

  it('ETL_CACHE=off reads and writes nothing', () => {
    const dir = tempDir('etl-lint-cache-off-');
    const r = runCli(['contracts', 'lint'], { env: { ETL_CACHE_DIR: join(dir, 'cache'), ETL_CACHE: 'off' } });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'cache'))).toBe(false);
  });
});

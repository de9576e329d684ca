import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtlError } from '../../../src/errors.ts';
import { formatProblem, loadContractFile, loadContracts, loadContractsOrThrow, type Problem } from '../../../src/contracts/index.ts';

const FIXTURES = 'tests/fixtures/contracts';

/** `line:col CODE message` of each problem, the shape the tests compare. */
function brief(problems: Problem[]): string[] {
  return problems.map((p) => `${p.line ?? '-'}:${p.col ?? '-'} ${p.code}${p.severity === 'warning' ? ' (warning)' : ''} ${p.message}`);
}

async function problemsOf(name: string): Promise<Problem[]> {
  return (await loadContracts([join(FIXTURES, name)])).problems;
}

describe('contract problems carry file:line:col', () => {
  it('a misspelt key names the key and suggests the closest valid one', async () => {
    const [p, ...rest] = await problemsOf('misspelt-key.yaml');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'CONTRACT_SCHEMA_INVALID', file: `${FIXTURES}/misspelt-key.yaml`, line: 14, col: 9, hint: "did you mean 'required'?" });
    expect(p?.message).toBe("unknown key 'requried' in schema[0].properties[1]");
    expect(formatProblem(p as Problem)).toBe(
      `${FIXTURES}/misspelt-key.yaml:14:9 CONTRACT_SCHEMA_INVALID unknown key 'requried' in schema[0].properties[1]\n  hint: did you mean 'required'?`,
    );
  });

  it('a YAML syntax error', async () => {
    expect(brief(await problemsOf('yaml-syntax.yaml'))).toEqual(["15:1 CONTRACT_YAML_INVALID YAML syntax error: Missing closing 'quote"]);
  });

  it('a value of the wrong type', async () => {
    expect(brief(await problemsOf('wrong-type.yaml'))).toEqual(["14:17 CONTRACT_SCHEMA_INVALID 'unique' must be boolean, found 'yes'"]);
  });

  it('an unsupported apiVersion', async () => {
    expect(brief(await problemsOf('api-v2.yaml'))).toEqual(['1:13 CONTRACT_PROFILE_INVALID unsupported apiVersion "v2.2.0"']);
  });

  it('an unknown metric, with a suggestion', async () => {
    const problems = await problemsOf('unknown-metric.yaml');
    expect(brief(problems)).toEqual([
      "13:21 CONTRACT_SCHEMA_INVALID 'metric' is 'nullValue'; expected one of nullValues, missingValues, invalidValues, duplicateValues, rowCount",
    ]);
    expect(problems[0]?.hint).toBe("did you mean 'nullValues'?");
  });

  it('two operators on one rule (schema) and on an etl implementation (profile); a reversed range', async () => {
    expect(brief(await problemsOf('two-operators.yaml'))).toEqual([
      '15:13 CONTRACT_SCHEMA_INVALID a quality rule takes exactly one operator, found 2: mustBeGreaterThan, mustBeLessThan',
    ]);
    expect(brief(await problemsOf('operators-profile.yaml'))).toEqual([
      '14:24 CONTRACT_PROFILE_INVALID mustBeBetween must be [low, high], found [10, 1]',
      '19:32 CONTRACT_PROFILE_INVALID takes exactly one operator, found 2: mustBeLessThan, mustBeLessOrEqualTo',
    ]);
  });

  it('minimum > maximum, minLength > maxLength, a pattern that does not compile', async () => {
    expect(brief(await problemsOf('min-max.yaml'))).toEqual([
      '15:20 CONTRACT_PROFILE_INVALID minimum (10) is greater than maximum (1): no value can pass',
      '20:22 CONTRACT_PROFILE_INVALID minLength (5) is greater than maxLength (2): no value can pass',
      '22:20 CONTRACT_PROFILE_INVALID pattern does not compile: Invalid regular expression: /[a-z/: Unterminated character class',
    ]);
  });

  it('property names that collide with lineage or helper columns are refused', async () => {
    expect(brief(await problemsOf('reserved-names.yaml'))).toEqual([
      "11:15 CONTRACT_PROFILE_INVALID property name '_record_number' is reserved by etl (lineage columns and the __etl_ prefix)",
      "13:15 CONTRACT_PROFILE_INVALID property name '__etl_dropped' is reserved by etl (lineage columns and the __etl_ prefix)",
    ]);
  });

  it('custom rules: expressions that do not compile point into the expression; other engines are skipped with a warning', async () => {
    const problems = await problemsOf('custom-not-compiling.yaml');
    expect(brief(problems)).toEqual([
      '20:35 CONTRACT_PROFILE_INVALID the expression of rule items_qty_positive does not compile: unknown function frobnicate(); allowed: abs, as_of, avg, coalesce, concat, contains, count, count_distinct, date, ends_with, length, lower, max, min, month, nullif, regexp_matches, replace, round, starts_with, substr, sum, trim, upper, year (at character 13)',
      '26:24 CONTRACT_PROFILE_INVALID the expression of rule items_qty_known does not compile: unknown column quantity (at character 1)',
      "27:9 CONTRACT_PROFILE_INVALID (warning) custom rule for engine 'soda' is not executed by etl: reported as skipped",
    ]);
    expect(problems[1]?.hint).toBe('items has the columns item_id, qty');
  });

  it('relationships to an unknown table and to an unknown column', async () => {
    const problems = await problemsOf('relationship-unknown.yaml');
    expect(brief(problems)).toEqual([
      '13:13 CONTRACT_PROFILE_INVALID relationship to unknown dataset customer',
      '17:13 CONTRACT_PROFILE_INVALID relationship to unknown column items.itemid',
    ]);
    expect(problems.map((p) => p.hint)).toEqual(['known datasets: items', "did you mean 'items.item_id'?"]);
  });

  it('a missing file, and a directory without contracts, are problems (not exceptions)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-contracts-'));
    const { contracts, problems } = await loadContracts([join(dir, 'nope.yaml'), dir]);
    expect(contracts).toEqual([]);
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['CONTRACT_NOT_FOUND', 'no contracts (*.yaml) in this directory'],
      ['CONTRACT_NOT_FOUND', 'no such file or directory'],
    ]);
    expect((await loadContractFile(join(dir, 'nope.yaml'))).problems.map((p) => p.message)).toEqual(['contract file not found']);
  });

  it('loadContractsOrThrow: an EtlError at the first problem, counting the others', async () => {
    const err = await loadContractsOrThrow([join(FIXTURES, 'min-max.yaml')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtlError);
    const e = err as EtlError;
    expect(e.code).toBe('CONTRACT_PROFILE_INVALID');
    expect(e.message).toBe('minimum (10) is greater than maximum (1): no value can pass (and 2 more problems; run `etl contracts lint`)');
    expect(e.location).toEqual({ file: `${FIXTURES}/min-max.yaml`, line: 15, col: 20 });
    expect(e.exitCode).toBe(2);
  });
});

describe('the shipped contracts', () => {
  it('load together with zero problems', async () => {
    const { contracts, problems } = await loadContracts(['contracts']);
    expect(problems.map(formatProblem)).toEqual([]);
    const pairs = contracts.filter((c) => c.layer !== 'gold').map((c) => `${c.dataset}/${c.layer}`).sort();
    expect(pairs).toEqual(
      ['customers', 'inventory', 'orders', 'products', 'promotions', 'returns', 'web_events'].flatMap((d) => [`${d}/silver`, `${d}/source`]),
    );
  });

  it('orders silver: composite key in position order, property-level foreign keys, custom row rules, dataset rules', async () => {
    const { contracts } = await loadContracts(['contracts']);
    const orders = contracts.find((c) => c.dataset === 'orders' && c.layer === 'silver');
    expect(orders?.primaryKey).toEqual(['order_id', 'product_id']);
    expect(orders?.relationships.map((r) => ({ id: r.id, from: r.from, toDataset: r.toDataset, to: r.to, severity: r.severity, line: r.loc.line }))).toEqual([
      { id: 'orders.customer_id.relationship', from: ['customer_id'], toDataset: 'customers', to: ['customer_id'], severity: 'error', line: 32 },
      { id: 'orders.product_id.relationship', from: ['product_id'], toDataset: 'products', to: ['product_id'], severity: 'error', line: 41 },
    ]);
    const orderDate = orders?.properties.find((p) => p.name === 'order_date');
    expect(orderDate?.quality.map((r) => [r.id, r.type, r.type === 'custom-row' ? r.expression : ''])).toEqual([
      ['orders_order_date_not_in_future', 'custom-row', 'date(order_date) <= as_of()'],
      ['orders_order_date_after_registration', 'custom-row', 'date(order_date) >= date(customers.registration_date)'],
    ]);
    expect(orders?.quality.map((r) => [r.id, r.type, 'operator' in r ? r.operator : undefined, r.severity])).toEqual([
      ['orders_quarantine_rate', 'custom-dataset', { op: 'mustBeLessOrEqualTo', value: 5 }, 'error'],
      ['orders_freshness', 'custom-dataset', { op: 'mustBeLessOrEqualTo', value: 336 }, 'error'],
      ['orders_row_count', 'library', { op: 'mustBeGreaterThan', value: 0 }, 'error'],
    ]);
    const quantity = orders?.properties.find((p) => p.name === 'quantity');
    expect(quantity).toMatchObject({ logicalType: 'integer', required: true, options: { exclusiveMinimum: 0 }, severity: 'error' });
  });

  it('customers: e-mail format is a warning, PII masked; returns: composite foreign key to orders', async () => {
    const { contracts } = await loadContracts(['contracts']);
    const customers = contracts.find((c) => c.dataset === 'customers' && c.layer === 'silver');
    expect(customers?.properties.map((p) => [p.name, p.classification ?? null, p.mask ?? null, p.severity])).toEqual([
      ['customer_id', null, null, 'error'],
      ['name', 'pii', 'initials', 'error'],
      ['email', 'pii', 'hash', 'warning'],
      ['city', null, null, 'error'],
      ['country', null, null, 'error'],
      ['registration_date', null, null, 'error'],
      ['loyalty_tier', null, null, 'error'],
    ]);
    const silverOrders = contracts.find((c) => c.dataset === 'orders' && c.layer === 'silver');
    expect(silverOrders?.properties.filter((p) => p.classification).map((p) => [p.name, p.classification, p.mask])).toEqual([['shipping_address', 'pii', 'redact']]);
    expect(customers?.properties.find((p) => p.name === 'email')?.options).toEqual({ format: 'email' });
    const returns = contracts.find((c) => c.dataset === 'returns' && c.layer === 'silver');
    expect(returns?.relationships.map((r) => [r.id, r.from, r.toDataset, r.to])).toEqual([
      ['returns.product_id.relationship', ['product_id'], 'products', ['product_id']],
      ['returns.order_line.relationship', ['order_id', 'product_id'], 'orders', ['order_id', 'product_id']],
    ]);
    const events = contracts.find((c) => c.dataset === 'web_events' && c.layer === 'source');
    expect(events?.properties.find((p) => p.name === 'event_type')?.options.enum).toEqual(['view', 'add_to_cart', 'purchase']);
    const orders = contracts.find((c) => c.dataset === 'orders' && c.layer === 'source');
    expect(orders?.servers).toEqual([{ name: 'local', type: 'local', format: 'csv', path: '../data/orders.csv', read: {}, loc: { file: 'contracts/orders.source.yaml', line: 18, col: 5 } }]);
  });
});

describe('normalisation', () => {
  function writeContract(body: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'etl-contract-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, `apiVersion: v3.0.2\nkind: DataContract\nid: c\nversion: 1.0.0\nstatus: active\n${body}`);
    return file;
  }

  it('orders a composite key by primaryKeyPosition, derives rule ids, reads severities, accepts v3.0.x', async () => {
    const file = writeContract(`schema:
  - name: lines
    properties:
      - name: b
        logicalType: string
        primaryKey: true
        primaryKeyPosition: 2
        quality:
          - metric: nullValues
            mustBe: 0
            severity: info
      - name: a
        physicalType: BIGINT
        primaryKey: true
        primaryKeyPosition: 1
    quality:
      - metric: rowCount
        mustBeGreaterThan: 0
      - metric: rowCount
        mustBeLessThan: 100
`);
    const { contract, problems } = await loadContractFile(file);
    expect(problems).toEqual([]);
    const c = contract?.[0];
    expect(c).toMatchObject({ dataset: 'lines', layer: 'source', object: 'lines', apiVersion: 'v3.0.2', primaryKey: ['a', 'b'] });
    expect(c?.properties.map((p) => p.logicalType)).toEqual(['string', 'integer']);
    expect(c?.properties[0]?.quality.map((r) => [r.id, r.severity])).toEqual([['lines.b.nullValues', 'warning']]);
    // A derived id that clashes is made unique (with the layer); it is not a problem.
    expect(c?.quality.map((r) => r.id)).toEqual(['lines.rowCount', 'lines.source.rowCount']);
  });

  it('reports duplicate written rule ids', async () => {
    const file = writeContract(`schema:
  - name: t
    properties:
      - name: x
        logicalType: string
    quality:
      - id: t_rows
        metric: rowCount
        mustBeGreaterThan: 0
      - id: t_rows
        metric: rowCount
        mustBeLessThan: 100
`);
    const { problems } = await loadContracts([file]);
    expect(brief(problems)).toEqual([`15:9 CONTRACT_PROFILE_INVALID duplicate rule id 't_rows' (first at ${file}:12:9)`]);
  });

  it('a schema-level composite relationship and a property-level one', async () => {
    const file = writeContract(`schema:
  - name: lines
    properties:
      - name: order_id
        logicalType: string
        primaryKey: true
        primaryKeyPosition: 1
      - name: product_id
        logicalType: string
        primaryKey: true
        primaryKeyPosition: 2
  - name: refunds
    properties:
      - name: refund_id
        logicalType: string
        relationships:
          - to: refunds.refund_id
      - name: order_id
        logicalType: string
      - name: product_id
        logicalType: string
    relationships:
      - from: [refunds.order_id, refunds.product_id]
        to: [lines.order_id, lines.product_id]
`);
    const { contracts, problems } = await loadContracts([file]);
    expect(problems).toEqual([]);
    expect(contracts.map((c) => c.dataset)).toEqual(['lines', 'refunds']);
    expect(contracts[1]?.relationships.map((r) => [r.from, r.toDataset, r.to, r.loc.line])).toEqual([
      [['refund_id'], 'refunds', ['refund_id'], 22],
      [['order_id', 'product_id'], 'lines', ['order_id', 'product_id'], 28],
    ]);
  });
});

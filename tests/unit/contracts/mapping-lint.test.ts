// Mapping keys are checked before any data is read: each mistake is one problem at its file:line:col
// with a hint, and `etl contracts lint` exits 2. A contract using every mapping key passes the
// official ODCS schema and the profile.
import { describe, expect, it } from 'vitest';
import { lintCommand } from '../../../src/commands/contracts-lint.ts';
import { loadContracts } from '../../../src/contracts/index.ts';

const F = 'tests/fixtures/contracts';

async function lint(files: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await lintCommand({ files, contracts: 'contracts' }, (l) => lines.push(l));
  return { code, lines };
}

describe('mapping keys in contracts lint', () => {
  it('a contract with physicalName, format, transformLogic, reading options and a filter passes, and is read into the model', async () => {
    expect(await lint([`${F}/mapping-ok.yaml`])).toEqual({ code: 0, lines: ['1 contract, 0 problems'] });
    const { contracts } = await loadContracts([`${F}/mapping-ok.yaml`]);
    const c = contracts[0]!;
    const p = (name: string) => c.properties.find((x) => x.name === name)!;
    expect(p('order_id').source).toEqual({ kind: 'column', column: 'InvoiceNo' });
    expect(p('status').source).toEqual({ kind: 'column', column: 'status' });
    expect(p('quantity').source).toMatchObject({ kind: 'transform', expression: '1', description: 'the shop sells one unit per line', loc: { line: 35 } });
    expect(p('customer_name').source).toMatchObject({ kind: 'transform', sourceColumns: ['first_name', 'last_name'] });
    expect(p('order_date').dateFormat).toBe('M/d/yyyy H:mm');
    expect(c.servers[0]).toMatchObject({ path: '../data/shop/*.csv', format: 'csv', delimiter: ';', read: { delimiter: ';', nullValues: ['NA', 'NULL'], header: true, encoding: 'latin-1', quote: '"' } });
    expect(c.quality[0]).toMatchObject({ type: 'filter', expression: "status <> 'cancelled'", id: 'shop_orders.filter' });
  });

  it('a date format with an unsupported letter, a transformLogic that does not parse or reads an unknown column, physicalName with transformLogic', async () => {
    const { code, lines } = await lint([`${F}/mapping-bad.yaml`]);
    expect(code).toBe(2);
    expect(lines).toEqual([
      `${F}/mapping-bad.yaml:22:36 CONTRACT_PROFILE_INVALID format 'dd/MM/yyyy HH:mm Q' of order_date: unsupported pattern letter 'Q' (at character 18)\n  hint: supported: yyyy yy MM M MMM MMMM dd d HH H hh h mm m ss s SSS SSSSSS a EEE EEEE, and quoted text such as 'T'`,
      `${F}/mapping-bad.yaml:25:41 CONTRACT_PROFILE_INVALID transformLogic of quantity does not compile: expected ')' to close coalesce( but found end of expression (at character 16)\n  hint: an etl expression over the file's columns, e.g. '1', coalesce(qty, '1'), concat(first_name, ' ', last_name)`,
      `${F}/mapping-bad.yaml:27:44 CONTRACT_PROFILE_INVALID transformLogic of label does not compile: unknown column Description (at character 19)\n  hint: a transformLogic reads the file's columns: InvoiceNo, order_date (list others in transformSourceObjects)`,
      `${F}/mapping-bad.yaml:30:25 CONTRACT_PROFILE_INVALID property 'both' has both physicalName and transformLogic\n  hint: a property reads one column (physicalName) or computes its value (transformLogic): keep one`,
      '1 contract, 4 problems (4 errors, 0 warnings)',
    ]);
  });

  it('reading options etl cannot honour, and a filter over an unknown column', async () => {
    const server = await lint([`${F}/mapping-bad-server.yaml`]);
    expect(server.code).toBe(2);
    expect(server.lines.slice(0, 3)).toEqual([
      `${F}/mapping-bad-server.yaml:13:16 CONTRACT_PROFILE_INVALID CSV delimiter ';;' must be one character (or tab)`,
      `${F}/mapping-bad-server.yaml:16:16 CONTRACT_PROFILE_INVALID customProperties encoding: must be utf-8, utf-16 or latin-1`,
      `${F}/mapping-bad-server.yaml:18:16 CONTRACT_PROFILE_INVALID customProperties nullValues: must be a list of texts, e.g. [NA, NULL]`,
    ]);
    const filter = await lint([`${F}/mapping-bad-filter.yaml`]);
    expect(filter).toEqual({
      code: 2,
      lines: [
        `${F}/mapping-bad-filter.yaml:25:24 CONTRACT_PROFILE_INVALID the expression of rule shop_orders.filter does not compile: unknown column state (at character 1)\n  hint: shop_orders has the columns order_id, status`,
        '1 contract, 1 problem (1 error, 0 warnings)',
      ],
    });
  });
});

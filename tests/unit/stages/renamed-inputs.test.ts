// Renaming the state's file names (renamed-inputs.ts): which names map to which, and where a name counts.
import { describe, expect, it } from 'vitest';
import { renameInChecks, renamesOf } from '../../../src/stages/renamed-inputs.ts';
import type { DatasetState } from '../../../src/stages/state.ts';

const inputs = { orders: [{ file: 'orders/2025-06-01.csv' }, { file: 'orders/2025-06-01.csv.1' }], customers: [{ file: 'customers.json' }] };
const contracts = ['/srv/c/customers.silver.yaml', '/srv/c/gold/fact_orders.yaml', '/srv/c/orders.source.yaml'];

describe('renamesOf', () => {
  it('maps every input by its path below --data, and every contract file by its path below the folder they share', () => {
    const r = renamesOf({ data: '/srv/data', inputs, contract_files: contracts }, { dataDir: 'data', contractFiles: ['c/customers.silver.yaml', 'c/gold/fact_orders.yaml', 'c/orders.source.yaml'] });
    expect(r).toEqual(new Map([
      ['/srv/data/orders/2025-06-01.csv', 'data/orders/2025-06-01.csv'],
      ['/srv/data/orders/2025-06-01.csv.1', 'data/orders/2025-06-01.csv.1'],
      ['/srv/data/customers.json', 'data/customers.json'],
      ['/srv/c/customers.silver.yaml', 'c/customers.silver.yaml'],
      ['/srv/c/gold/fact_orders.yaml', 'c/gold/fact_orders.yaml'],
      ['/srv/c/orders.source.yaml', 'c/orders.source.yaml'],
    ]));
  });

  it('names spelled alike rename nothing; contract files that do not match one for one are a reason for a full rebuild', () => {
    expect(renamesOf({ data: 'data', inputs, contract_files: contracts }, { dataDir: 'data', contractFiles: contracts })).toEqual(new Map());
    expect(renamesOf({ data: 'data', inputs, contract_files: contracts }, { dataDir: 'data', contractFiles: ['c/customers.silver.yaml', 'c/fact_orders.yaml', 'c/orders.source.yaml'] }))
      .toBe('--contracts names the contract files otherwise than the state\'s checks do, and not one for one (/srv/c/gold/fact_orders.yaml → none)');
    expect(renamesOf({ data: 'data', inputs, contract_files: contracts }, { dataDir: 'data', contractFiles: contracts.slice(0, 2) })).toMatch(/not one for one/);
  });
});

describe('renameInChecks', () => {
  it('replaces a name where it stands alone, the longest first, in every string of the stored checks', () => {
    const renames = renamesOf({ data: '/srv/data', inputs, contract_files: contracts }, { dataDir: 'data', contractFiles: ['c/customers.silver.yaml', 'c/gold/fact_orders.yaml', 'c/orders.source.yaml'] }) as Map<string, string>;
    const state = {
      counts: { records_in: 1, rows_out: 1, rows_quarantined: 0, duplicates_dropped: 0, rows_excluded: 0 },
      rowChecks: [{
        id: 'orders.order_id.field_present',
        description: 'column order_id is present in /srv/data/orders/2025-06-01.csv.',
        message: 'see /srv/data/orders/2025-06-01.csv.1, /x/srv/data/orders/2025-06-01.csv and /srv/data/orders/2025-06-01.csv.bak',
        samples: [{ _source_file: '/srv/data/customers.json', _record_number: 3 }],
        contract: { file: '/srv/c/orders.source.yaml', line: 28 },
      }],
      datasetChecks: [],
    } as unknown as DatasetState;
    const renamed = renameInChecks(state, renames) as unknown as { rowChecks: Record<string, unknown>[] };
    expect(renamed.rowChecks[0]).toEqual({
      id: 'orders.order_id.field_present',
      description: 'column order_id is present in data/orders/2025-06-01.csv.',
      message: 'see data/orders/2025-06-01.csv.1, /x/srv/data/orders/2025-06-01.csv and /srv/data/orders/2025-06-01.csv.bak',
      samples: [{ _source_file: 'data/customers.json', _record_number: 3 }],
      contract: { file: 'c/orders.source.yaml', line: 28 },
    });
    expect(renameInChecks(state, new Map())).toBe(state);
  });
});

// Draft contracts from a profile (no engine): dataset names, server paths relative to the draft,
// the rules each profile field becomes, and a draft without a key or rules.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { datasetNameOf, draftContract } from '../../../src/contracts/draft-contract.ts';
import type { FileProfile } from '../../../src/contracts/profile-file.ts';

describe('datasetNameOf', () => {
  it('a plain table name from the file name', () => {
    expect(datasetNameOf('/data/Online Retail.csv')).toBe('online_retail');
    expect(datasetNameOf('exports/orders-2024.ndjson')).toBe('orders_2024');
    expect(datasetNameOf('2024.parquet')).toBe('t_2024');
    expect(datasetNameOf('---.csv')).toBe('t_data');
  });
});

describe('draftContract', () => {
  const profile: FileProfile = {
    file: '/work/shop/data/events.csv',
    format: 'csv',
    records: 3,
    malformed: 1,
    primaryKey: [],
    columns: [
      { name: 'kind', logicalType: 'string', nulls: 0, distinct: 1, required: true, unique: false, email: false, nonIsoDates: false, validValues: ['view'] },
      { name: 'n', logicalType: 'integer', nulls: 1, distinct: 2, required: false, unique: false, email: false, nonIsoDates: false, minimum: 0, maximum: 0 },
    ],
  };

  it('no key, no unique; bounds of zero kept; the malformed count in the purpose; the path relative to --out', () => {
    const doc = parse(draftContract(profile, { dataset: 'events', outFile: '/work/shop/contracts/events.source.yaml' }));
    expect(doc.servers).toEqual([{ server: 'local', type: 'local', path: '../data/events.csv', format: 'csv' }]);
    expect(doc.description.purpose).toContain('events.csv (3 records, 1 malformed)');
    expect(doc.schema).toEqual([
      {
        name: 'events',
        physicalType: 'file',
        properties: [
          { name: 'kind', logicalType: 'string', description: '0 nulls, 1 distinct value in the profiled file.', required: true, customProperties: [{ property: 'validValues', value: ['view'] }] },
          { name: 'n', logicalType: 'integer', description: '1 null, 2 distinct values in the profiled file.', logicalTypeOptions: { minimum: 0, maximum: 0 } },
        ],
      },
    ]);
  });
});

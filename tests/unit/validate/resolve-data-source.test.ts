import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EtlError } from '../../../src/errors.ts';
import { resolveDataSource } from '../../../src/validate/resolve-data-source.ts';
import { contract } from './contract-fixture.ts';

describe('resolveDataSource', () => {
  const servers = [
    { name: 'csv', type: 'local', format: 'csv' as const, path: './data/*.csv' },
    { name: 'nd', type: 'local', format: 'json' as const, delimiter: 'new_line', path: 'x.json' },
    { name: 'arr', type: 'local', format: 'json' as const, delimiter: 'array', path: '/abs/y.json' },
  ];
  const c = contract({ servers });

  it('uses the first server by default, its path relative to the contract file', () => {
    expect(resolveDataSource(c, {})).toEqual({ pattern: '/c/data/*.csv', format: 'csv', server: 'csv' });
  });

  it('maps json delimiters to layouts and keeps absolute paths', () => {
    expect(resolveDataSource(c, { server: 'nd' })).toEqual({ pattern: '/c/x.json', format: 'json', jsonLayout: 'ndjson', server: 'nd' });
    expect(resolveDataSource(c, { server: 'arr' })).toEqual({ pattern: '/abs/y.json', format: 'json', jsonLayout: 'array', server: 'arr' });
  });

  it('prefers the data file given on the command line (format from its extension)', () => {
    expect(resolveDataSource(c, { datafile: 'rel/file.parquet' })).toEqual({ pattern: resolve('rel/file.parquet') });
  });

  it('rejects an unknown server and a contract without server or data file with exit code 2', () => {
    const unknown = (() => {
      try {
        resolveDataSource(c, { server: 'nope' });
      } catch (e) {
        return e;
      }
    })();
    expect(unknown).toBeInstanceOf(EtlError);
    expect((unknown as EtlError).exitCode).toBe(2);
    expect((unknown as EtlError).hint).toBe('servers in this contract: csv, nd, arr');
    expect(() => resolveDataSource(contract(), {})).toThrow('no data file given and the contract declares no server');
    const s3 = contract({ servers: [{ name: 'lake', type: 's3', format: 'parquet', path: 's3://bucket/orders/*.parquet' }] });
    expect(() => resolveDataSource(s3, {})).toThrow('server lake points at s3://bucket/orders/*.parquet; validate reads local files only');
    const file = contract({ servers: [{ name: 'f', type: 'local', path: 'file:///data/x.csv' }] });
    expect(resolveDataSource(file, {})).toEqual({ pattern: '/data/x.csv', server: 'f' });
  });
});

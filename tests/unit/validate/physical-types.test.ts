import { describe, expect, it } from 'vitest';
import { checkPhysicalTypes, findTypeMismatches } from '../../../src/validate/check-physical-types.ts';
import { formatDuckType, parseDuckType } from '../../../src/validate/parse-duckdb-type.ts';
import { contract, property } from './contract-fixture.ts';

describe('parseDuckType', () => {
  it('parses scalars, lists, structs (quoted names) and maps', () => {
    expect(parseDuckType('DECIMAL(10,2)')).toEqual({ kind: 'scalar', name: 'DECIMAL' });
    expect(parseDuckType('TIMESTAMP WITH TIME ZONE')).toEqual({ kind: 'scalar', name: 'TIMESTAMP WITH TIME ZONE' });
    expect(parseDuckType('BIGINT[]')).toEqual({ kind: 'list', element: { kind: 'scalar', name: 'BIGINT' } });
    expect(parseDuckType('STRUCT(active BOOLEAN, "name" VARCHAR, "a, ""b""" DECIMAL(3,1))')).toEqual({
      kind: 'struct',
      fields: [
        { name: 'active', type: { kind: 'scalar', name: 'BOOLEAN' } },
        { name: 'name', type: { kind: 'scalar', name: 'VARCHAR' } },
        { name: 'a, "b"', type: { kind: 'scalar', name: 'DECIMAL' } },
      ],
    });
    expect(formatDuckType(parseDuckType('STRUCT(a INTEGER[], b MAP(VARCHAR, STRUCT(x DOUBLE)))[]'))).toBe(
      'STRUCT(a INTEGER[], b MAP(VARCHAR, STRUCT(x DOUBLE)))[]',
    );
  });
});

describe('findTypeMismatches', () => {
  it('accepts a DECIMAL for number and an INTEGER for integer', () => {
    expect(findTypeMismatches({ logicalType: 'number' }, parseDuckType('DECIMAL(10,2)'), 'x')).toEqual([]);
    expect(findTypeMismatches({ logicalType: 'integer' }, parseDuckType('INTEGER'), 'x')).toEqual([]);
  });

  it('rejects a list declared as a scalar and a scalar declared as an array', () => {
    expect(findTypeMismatches({ logicalType: 'integer' }, parseDuckType('BIGINT[]'), 'v')).toEqual(['v: logicalType integer but the file has BIGINT[]']);
    expect(findTypeMismatches({ logicalType: 'array' }, parseDuckType('VARCHAR'), 'v')).toEqual(['v: logicalType array but the file has VARCHAR']);
    expect(findTypeMismatches({ logicalType: 'object' }, parseDuckType('VARCHAR'), 'v')).toHaveLength(1);
  });

  it('follows array items and object children (peer case 13)', () => {
    expect(findTypeMismatches({ logicalType: 'array', items: { logicalType: 'string' } }, parseDuckType('BIGINT[]'), 'values')).toEqual([
      'values[]: logicalType string but the file has BIGINT',
    ]);
    const metadata = {
      logicalType: 'object',
      properties: [
        { name: 'name', type: { logicalType: 'integer' } },
        { name: 'active', type: { logicalType: 'integer' } },
      ],
    };
    expect(findTypeMismatches(metadata, parseDuckType('STRUCT(active BOOLEAN, "name" VARCHAR)'), 'metadata')).toEqual([
      'metadata.name: logicalType integer but the file has VARCHAR',
      'metadata.active: logicalType integer but the file has BOOLEAN',
    ]);
    expect(findTypeMismatches({ logicalType: 'array', items: { logicalType: 'integer' } }, parseDuckType('BIGINT[]'), 'values')).toEqual([]);
  });
});

describe('checkPhysicalTypes', () => {
  it('emits one type check per present column, failed on mismatch, warning for warning-severity properties', () => {
    const c = contract({
      properties: [property('id', 'integer'), property('tags', 'string', { severity: 'warning' }), property('absent', 'string')],
    });
    const checks = checkPhysicalTypes(c, [{ name: 'id', type: 'BIGINT' }, { name: 'tags', type: 'VARCHAR[]' }], new Map());
    expect(checks.map((x) => [x.id, x.rule, x.status])).toEqual([
      ['orders.id.physical_type', 'type', 'passed'],
      ['orders.tags.physical_type', 'type', 'warning'],
    ]);
    expect(checks[1]!.message).toBe('tags: logicalType string but the file has VARCHAR[]');
  });
});

import { describe, expect, it } from 'vitest';
import { checkPhysicalTypes, findTypeMismatches, formatColumnType } from '../../../src/validate/check-physical-types.ts';
import type { ColumnInfo, ColumnType } from '../../../src/engine/engine.ts';
import { contract, property } from './contract-fixture.ts';

const scalar = (name: string): ColumnType => ({ kind: 'scalar', name });
const listOf = (element: ColumnType): ColumnType => ({ kind: 'list', element });
const column = (name: string, shape: ColumnType): ColumnInfo => ({ name, type: formatColumnType(shape), shape });

describe('formatColumnType', () => {
  it('prints nested types the way DuckDB spells them', () => {
    const t: ColumnType = listOf({ kind: 'struct', fields: [{ name: 'a', type: listOf(scalar('INTEGER')) }, { name: 'b', type: { kind: 'map', key: scalar('VARCHAR'), value: { kind: 'struct', fields: [{ name: 'x', type: scalar('DOUBLE') }] } } }] });
    expect(formatColumnType(t)).toBe('STRUCT(a INTEGER[], b MAP(VARCHAR, STRUCT(x DOUBLE)))[]');
  });
});

describe('findTypeMismatches', () => {
  it('accepts a DECIMAL for number and an INTEGER for integer', () => {
    expect(findTypeMismatches({ logicalType: 'number' }, scalar('DECIMAL'), 'x')).toEqual([]);
    expect(findTypeMismatches({ logicalType: 'integer' }, scalar('INTEGER'), 'x')).toEqual([]);
  });

  it('rejects a list declared as a scalar and a scalar declared as an array', () => {
    expect(findTypeMismatches({ logicalType: 'integer' }, listOf(scalar('BIGINT')), 'v')).toEqual(['v: logicalType integer but the file has BIGINT[]']);
    expect(findTypeMismatches({ logicalType: 'array' }, scalar('VARCHAR'), 'v')).toEqual(['v: logicalType array but the file has VARCHAR']);
    expect(findTypeMismatches({ logicalType: 'object' }, scalar('VARCHAR'), 'v')).toHaveLength(1);
  });

  it('follows array items and object children (peer case 13)', () => {
    expect(findTypeMismatches({ logicalType: 'array', items: { logicalType: 'string' } }, listOf(scalar('BIGINT')), 'values')).toEqual([
      'values[]: logicalType string but the file has BIGINT',
    ]);
    const metadata = {
      logicalType: 'object',
      properties: [
        { name: 'name', type: { logicalType: 'integer' } },
        { name: 'active', type: { logicalType: 'integer' } },
      ],
    };
    expect(findTypeMismatches(metadata, { kind: 'struct', fields: [{ name: 'active', type: scalar('BOOLEAN') }, { name: 'name', type: scalar('VARCHAR') }] }, 'metadata')).toEqual([
      'metadata.name: logicalType integer but the file has VARCHAR',
      'metadata.active: logicalType integer but the file has BOOLEAN',
    ]);
    expect(findTypeMismatches({ logicalType: 'array', items: { logicalType: 'integer' } }, listOf(scalar('BIGINT')), 'values')).toEqual([]);
  });
});

describe('checkPhysicalTypes', () => {
  it('emits one type check per present column, failed on mismatch, warning for warning-severity properties', () => {
    const c = contract({
      properties: [property('id', 'integer'), property('tags', 'string', { severity: 'warning' }), property('absent', 'string')],
    });
    const checks = checkPhysicalTypes(c, [column('id', scalar('BIGINT')), column('tags', listOf(scalar('VARCHAR')))]);
    expect(checks.map((x) => [x.id, x.rule, x.status])).toEqual([
      ['orders.id.physical_type', 'type', 'passed'],
      ['orders.tags.physical_type', 'type', 'warning'],
    ]);
    expect(checks[1]!.message).toBe('tags: logicalType string but the file has VARCHAR[]');
  });
});

// mapColumns: the SELECT list of bronze's canonical view, exact SQL; none at all when nothing is mapped.
import { describe, expect, it } from 'vitest';
import { mapColumns } from '../../../src/checks/map-columns.ts';
import { contract, prop } from '../../integration/checks/contract-fixtures.ts';

const loc = { file: 'shop.yaml', line: 3 };

describe('mapColumns', () => {
  it('returns no view when every property reads its own column and nothing is missing (the default run)', () => {
    const m = mapColumns({ contracts: [contract('t', 'source', [prop('a'), prop('b')])], bronzeColumns: ['a', 'b', 'x', '_source_file', '_record_number'] });
    expect(m.select).toBeUndefined();
    expect(m.properties.map((p) => [p.property.name, p.reads, p.missing])).toEqual([['a', ['a'], []], ['b', ['b'], []]]);
  });

  it('physicalName, transformLogic over physical columns, null markers; unmapped columns and lineage pass through', () => {
    const c = contract('t', 'source', [
      prop('order_id', 'string', { source: { kind: 'column', column: 'Invoice No' } }),
      prop('quantity', 'integer', { source: { kind: 'transform', expression: "coalesce(Qty, 1)", loc, sourceColumns: ['Qty'] } }),
      prop('note'),
    ]);
    const m = mapColumns({ contracts: [c], bronzeColumns: ['Invoice No', 'Qty', 'note', 'Country', '_source_file', '_record_number'], nullValues: ['NA', '', 'NA'] });
    const v = (col: string) => `CASE WHEN CAST(b."${col}" AS VARCHAR) IN ('NA') THEN NULL ELSE CAST(b."${col}" AS VARCHAR) END`;
    expect(m.select?.text).toBe(
      `${v('Invoice No')} AS "order_id", CAST(coalesce(${v('Qty')}, '1') AS VARCHAR) AS "quantity", ${v('note')} AS "note", b."Qty", b."Country", b."_source_file", b."_record_number"`,
    );
    expect(m.properties.find((p) => p.property.name === 'quantity')?.reads).toEqual(['Qty']);
  });

  it('a missing column: NULL for a source property, left out for a silver-only one (the row pass reports it) or with omitMissing', () => {
    const source = contract('t', 'source', [prop('a', 'string', { source: { kind: 'column', column: 'A' } }), prop('b')]);
    const silver = contract('t', 'silver', [prop('c')]);
    const m = mapColumns({ contracts: [source, silver], bronzeColumns: ['b', '_source_file', '_record_number'] });
    expect(m.properties.map((p) => [p.property.name, p.missing])).toEqual([['a', ['A']], ['b', []], ['c', ['c']]]);
    expect(m.select?.text).toBe(`CAST(NULL AS VARCHAR) AS "a", CAST(b."b" AS VARCHAR) AS "b", b."_source_file", b."_record_number"`);
    const v = mapColumns({ contracts: [source], bronzeColumns: ['b', '_source_file', '_record_number'], omitMissing: true });
    expect(v.select?.text).toBe(`CAST(b."b" AS VARCHAR) AS "b", b."_source_file", b."_record_number"`);
  });

  it('a transformLogic that does not compile against the file is a problem, and the property reads as NULL', () => {
    const c = contract('t', 'source', [prop('x', 'string', { source: { kind: 'transform', expression: 'concat(a, b', loc, sourceColumns: ['a', 'b'] } })]);
    const m = mapColumns({ contracts: [c], bronzeColumns: ['a', 'b'] });
    expect(m.problems).toMatchObject([{ property: 'x', message: "transformLogic does not compile: expected ')' to close concat( but found end of expression (at character 12)" }]);
    expect(m.select?.text).toBe(`CAST(NULL AS VARCHAR) AS "x", b."a", b."b"`);
  });
});

// Malformed records (wrong field count, bad quoting, invalid JSON): the reader set them aside in bronze
// with their raw text; here they join the dataset's quarantine under the `malformed_record` rule, and
// the rule's result counts them. One definition for `etl run` (stages/silver.ts) and `etl validate`.
import type { Engine } from '../engine/engine.ts';
import { sql, type Sql } from '../sql/sql.ts';
import type { CheckResult } from './result.ts';
import { RECORD_RULES } from './rule-kinds.ts';
import { SAMPLE_SIZE } from './build-enforce-sql.ts';

/** Add the malformed records of `malformed` (_source_file, _record_number, _raw, _error) to the quarantine
 * table; `count` is how many there are (the reader counted them). */
export async function quarantineMalformedRecords(engine: Engine, input: { dataset: string; malformed: Sql; count: number; quarantineTable: Sql }): Promise<CheckResult> {
  const id = `${input.dataset}.malformed_record`;
  let samples: string[] = [];
  if (input.count > 0) {
    await engine.exec(sql`INSERT INTO ${input.quarantineTable} BY NAME
      SELECT _source_file, _record_number, _raw, [${id}] AS _rule_ids, [${RECORD_RULES.malformed_record.reasonPrefix} || _error] AS _reasons, FALSE AS _excluded
      FROM ${input.malformed}`);
    const rows = await engine.rows(sql`SELECT _record_number FROM ${input.malformed} ORDER BY _source_file, _record_number LIMIT ${SAMPLE_SIZE}`);
    samples = rows.map((r) => `record ${String(r['_record_number'])}`);
  }
  return {
    id,
    rule: 'malformed_record',
    dataset: input.dataset,
    layer: 'bronze',
    kind: 'row',
    severity: 'error',
    description: RECORD_RULES.malformed_record.describe(),
    failed_rows: input.count,
    status: input.count > 0 ? 'failed' : 'passed',
    ...(samples.length > 0 ? { sample_keys: samples } : {}),
  };
}

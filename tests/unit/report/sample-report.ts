// A small QualityReport covering every status, both kinds, several layers and hostile strings
// (XML metacharacters, quotes, newlines, a control character) for the renderer golden tests.
import { QUALITY_REPORT_SCHEMA_VERSION, summarize, type CheckResult, type QualityReport } from '../../../src/checks/result.ts';

const checks: CheckResult[] = [
  {
    id: 'orders.quarantine_rate',
    rule: 'quarantineRate',
    dataset: 'orders',
    layer: 'silver',
    kind: 'dataset',
    severity: 'error',
    description: 'quarantined rows stay at or under 5 % of the records',
    failed_rows: 12,
    // Unrounded, as the engine measures it: every rendering rounds it (22.59).
    value: 22.58854559155991,
    threshold: '<= 5 %',
    status: 'failed',
    contract: { file: 'contracts/orders.silver.yaml', line: 40 },
  },
  {
    id: 'orders.quantity.minimum',
    rule: 'minimum',
    dataset: 'orders',
    layer: 'source',
    kind: 'row',
    severity: 'error',
    property: 'quantity',
    description: 'quantity must be >= 1',
    failed_rows: 7,
    threshold: '>= 1',
    status: 'failed',
    sample_keys: ['(O0010332, P0044)', '(O0010332, P0045)', '(O0010400, P0044)', '(O0010401, P0001)', '(O0010402, P0002)', '(O0010403, P0003)', '(O0010404, P0004)'],
  },
  {
    id: 'customers.email.format',
    rule: 'format',
    dataset: 'customers',
    layer: 'source',
    kind: 'row',
    severity: 'warning',
    property: 'email',
    description: 'email must look like "a@b.c" & <not> be empty',
    failed_rows: 2,
    status: 'warning',
    sample_keys: ['C-1', 'C-2'],
  },
  {
    id: 'customers.customer_id.unique',
    rule: 'unique',
    dataset: 'customers',
    layer: 'source',
    kind: 'row',
    severity: 'error',
    property: 'customer_id',
    description: 'customer_id is unique',
    failed_rows: 0,
    status: 'passed',
  },
  {
    id: 'orders.amounts_positive',
    rule: 'sql',
    dataset: 'orders',
    layer: 'source',
    kind: 'dataset',
    severity: 'error',
    description: 'amounts are positive',
    failed_rows: 0,
    value: null,
    threshold: '> 0',
    status: 'error',
    message: "refused: not one read-only SELECT\n  COPY (SELECT 1) TO 'x.csv'\u0007",
  },
  {
    id: 'orders.notes',
    rule: 'text',
    dataset: 'orders',
    layer: 'gold',
    kind: 'dataset',
    severity: 'error',
    description: 'documentation only',
    failed_rows: 0,
    status: 'skipped',
    message: 'type: text rules are documentation',
  },
];

export function sampleReport(): QualityReport {
  return {
    schemaVersion: QUALITY_REPORT_SCHEMA_VERSION,
    command: 'run',
    status: 'FAILED',
    strict: true,
    run_id: 'run-2026-11-20-0001',
    as_of: '2026-11-20',
    // Keys deliberately out of order: the renderers must sort them.
    sources: {
      orders: { records_in: 200, rows_out: 180, rows_quarantined: 12, duplicates_dropped: 8, rows_excluded: 0, rows_flagged: 0 },
      customers: { records_in: 50, rows_out: 50, rows_quarantined: 0, duplicates_dropped: 0, rows_excluded: 0, rows_flagged: 2 },
    },
    checks,
    top_reasons: [
      { dataset: 'customers', rule_id: 'customers.email.format', reason: 'email must look like "a@b.c"', count: 2, sample_keys: ['C-1', 'C-2'] },
      { dataset: 'orders', rule_id: 'orders.quantity.minimum', reason: 'quantity must be >= 1', count: 7, sample_keys: ['(O0010332, P0044)', '(O0010332, P0045)', '(O0010400, P0044)', '(O0010401, P0001)', '(O0010402, P0002)', '(O0010403, P0003)', '(O0010404, P0004)'] },
    ],
    summary: summarize(checks),
    contracts: { 'orders-source': '1.0.0', 'customers-source': '1.2.0' },
  };
}

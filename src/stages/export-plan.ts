// How a gold table becomes a CSV/JSON export a BI tool loads as it is: its row order and the rounding of
// each column. Money is DECIMAL in the models (and DOUBLE columns named after money: aov, clv, price,
// cost, the forecast's lower/upper bounds…): it is rounded to cents; percents (`*_pct`) to 2 decimals; every other DOUBLE (rates, shares,
// lift, z-scores, days) to 4 decimals, so that no export carries binary noise (216.40524999999997).
// Row order: the config's `order_by`, else a `rank` column, else the first date column, else the table's
// key; then every column, so that ties come out in one order.
import { EtlError } from '../errors.ts';
import { ident, join, sql, trusted, type Sql } from '../sql/sql.ts';

export interface ExportColumn {
  name: string;
  /** The engine's type (DESCRIBE). */
  type: string;
}

export interface ExportSpecInput {
  table: string;
  order_by?: string[];
}

// lower/upper: the forecast's interval bounds (revenue). Not `value`: clv_model_fit's parameter values need 4 decimals.
const MONEY_WORDS = new Set(['revenue', 'margin', 'amount', 'aov', 'clv', 'price', 'cost', 'monetary', 'lower', 'upper']);
const NOT_MONEY_WORDS = new Set(['rate', 'share', 'pct', 'z', 'lift', 'units', 'days']);
const DATE_COLUMNS = ['order_date', 'date_key', 'day', 'week_start', 'month_start', 'cohort_month', 'session_date', 'forecast_date', 'start_date', 'count_date'];

/** Decimal places of a column in an export, or null to leave it as it is (integers, text, dates). */
export function exportDigits(column: ExportColumn): number | null {
  const type = column.type.toUpperCase();
  const words = column.name.split('_');
  if (type.startsWith('DECIMAL')) return 2;
  if (type !== 'DOUBLE' && type !== 'FLOAT' && type !== 'REAL') return null;
  if (words.at(-1) === 'pct') return 2;
  if (words.some((w) => MONEY_WORDS.has(w)) && !words.some((w) => NOT_MONEY_WORDS.has(w))) return 2;
  return 4;
}

/** The portable type name of a column in exports/index.json. */
export function exportType(type: string): 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp' {
  const t = type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t)) return 'integer';
  if (t.startsWith('DECIMAL') || t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL') return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  return 'string';
}

/** The SELECT list of an export: rounded money and measures, HUGEINT sums as BIGINT, the rest as is. */
export function exportSelect(columns: ExportColumn[]): Sql {
  return join(columns.map((c) => {
    const digits = exportDigits(c);
    const col = ident(c.name);
    if (digits !== null) {
      // DECIMAL stays exact (printed with its scale: 216.40); DOUBLE is rounded in place.
      return c.type.toUpperCase().startsWith('DECIMAL')
        ? sql`CAST(ROUND(${col}, ${trusted(String(digits))}) AS DECIMAL(38, ${trusted(String(digits))})) AS ${col}`
        : sql`ROUND(${col}, ${trusted(String(digits))}) AS ${col}`;
    }
    if (c.type.toUpperCase() === 'HUGEINT') return sql`CAST(${col} AS BIGINT) AS ${col}`;
    return col;
  }), ', ');
}

/** The leading order of an export (`["rank"]`, `["order_date"]`, `["revenue desc"]`): before the tie-breaking columns. */
export function exportOrder(spec: ExportSpecInput, columns: ExportColumn[], key: string[]): string[] {
  const names = new Set(columns.map((c) => c.name));
  if (spec.order_by) {
    for (const o of spec.order_by) {
      const name = o.split(' ')[0]!;
      if (!names.has(name)) {
        throw new EtlError('CONFIG_INVALID', `publish.exports: ${spec.table} has no column ${name} to order by`, {
          hint: `order by one of: ${[...names].join(', ')}`,
        });
      }
    }
    return spec.order_by;
  }
  if (names.has('rank')) return ['rank'];
  const date = DATE_COLUMNS.find((d) => names.has(d));
  const keyed = key.filter((k) => names.has(k));
  if (date) return [date, ...keyed.filter((k) => k !== date)];
  return keyed;
}

/** ORDER BY of an export: the leading order, then every other column ascending. */
export function exportOrderBy(order: string[], columns: ExportColumn[]): Sql {
  const lead = order.map((o) => {
    const [name, dir] = o.split(' ');
    return sql`${ident(name!)} ${trusted(dir === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS LAST')}`;
  });
  const used = new Set(order.map((o) => o.split(' ')[0]));
  return join([...lead, ...columns.filter((c) => !used.has(c.name)).map((c) => ident(c.name))], ', ');
}

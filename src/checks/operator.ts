// The one-operator thresholds of ODCS quality rules: evaluation and the text people read.
import type { Operator } from '../contracts/model.ts';

/** Does the measured value satisfy the operator? Between is inclusive (ODCS / datacontract-cli). */
export function satisfiesOperator(op: Operator, value: number): boolean {
  switch (op.op) {
    case 'mustBe':
      return value === op.value;
    case 'mustNotBe':
      return value !== op.value;
    case 'mustBeGreaterThan':
      return value > op.value;
    case 'mustBeGreaterOrEqualTo':
      return value >= op.value;
    case 'mustBeLessThan':
      return value < op.value;
    case 'mustBeLessOrEqualTo':
      return value <= op.value;
    case 'mustBeBetween':
      return value >= op.value[0] && value <= op.value[1];
    case 'mustNotBeBetween':
      return value < op.value[0] || value > op.value[1];
  }
}

const UNIT_SUFFIX: Record<string, string> = { percent: ' %', hours: ' hours', rows: '', absolute: '' };

/** `<= 5 %`, `= 0`, `between 1 and 10`. */
export function describeOperator(op: Operator, unit = 'rows'): string {
  const u = UNIT_SUFFIX[unit] ?? ` ${unit}`;
  switch (op.op) {
    case 'mustBe':
      return `= ${op.value}${u}`;
    case 'mustNotBe':
      return `!= ${op.value}${u}`;
    case 'mustBeGreaterThan':
      return `> ${op.value}${u}`;
    case 'mustBeGreaterOrEqualTo':
      return `>= ${op.value}${u}`;
    case 'mustBeLessThan':
      return `< ${op.value}${u}`;
    case 'mustBeLessOrEqualTo':
      return `<= ${op.value}${u}`;
    case 'mustBeBetween':
      return `between ${op.value[0]} and ${op.value[1]}${u}`;
    case 'mustNotBeBetween':
      return `not between ${op.value[0]} and ${op.value[1]}${u}`;
  }
}

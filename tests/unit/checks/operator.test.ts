import { describe, expect, test } from 'vitest';
import { describeOperator, satisfiesOperator } from '../../../src/checks/operator.ts';

describe('operators', () => {
  test('evaluation, between inclusive', () => {
    expect(satisfiesOperator({ op: 'mustBe', value: 0 }, 0)).toBe(true);
    expect(satisfiesOperator({ op: 'mustBe', value: 0 }, 1)).toBe(false);
    expect(satisfiesOperator({ op: 'mustNotBe', value: 0 }, 1)).toBe(true);
    expect(satisfiesOperator({ op: 'mustBeGreaterThan', value: 1 }, 1)).toBe(false);
    expect(satisfiesOperator({ op: 'mustBeGreaterOrEqualTo', value: 1 }, 1)).toBe(true);
    expect(satisfiesOperator({ op: 'mustBeLessThan', value: 10 }, 10)).toBe(false);
    expect(satisfiesOperator({ op: 'mustBeLessOrEqualTo', value: 5 }, 5)).toBe(true);
    expect(satisfiesOperator({ op: 'mustBeBetween', value: [1, 10] }, 10)).toBe(true);
    expect(satisfiesOperator({ op: 'mustBeBetween', value: [1, 10] }, 10.5)).toBe(false);
    expect(satisfiesOperator({ op: 'mustNotBeBetween', value: [1, 10] }, 1)).toBe(false);
    expect(satisfiesOperator({ op: 'mustNotBeBetween', value: [1, 10] }, 0)).toBe(true);
  });

  test('threshold text', () => {
    expect(describeOperator({ op: 'mustBeLessOrEqualTo', value: 5 }, 'percent')).toBe('<= 5 %');
    expect(describeOperator({ op: 'mustBe', value: 0 })).toBe('= 0');
    expect(describeOperator({ op: 'mustBeBetween', value: [1, 10] })).toBe('between 1 and 10');
    expect(describeOperator({ op: 'mustBeLessOrEqualTo', value: 48 }, 'hours')).toBe('<= 48 hours');
  });
});

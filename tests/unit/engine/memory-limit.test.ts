import { describe, expect, it } from 'vitest';
import { defaultMemoryLimit } from '../../../src/engine/memory-limit.ts';

const GB = 1024 ** 3;

describe('defaultMemoryLimit', () => {
  it('is half the RAM on a small machine', () => {
    expect(defaultMemoryLimit(8 * GB)).toBe('4096MiB');
    expect(defaultMemoryLimit(3 * GB)).toBe('1536MiB');
  });

  it('is capped at 8 GB on a large one', () => {
    expect(defaultMemoryLimit(16 * GB)).toBe('8192MiB');
    expect(defaultMemoryLimit(256 * GB)).toBe('8192MiB');
  });

  it('never goes under 256 MB', () => {
    expect(defaultMemoryLimit(100 * 1024 * 1024)).toBe('256MiB');
  });
});

import { describe, expect, it } from 'vitest';
import { defaultMemoryLimit, engineStorage, memoryBytes } from '../../../src/engine/memory-limit.ts';

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

describe('memoryBytes', () => {
  it('reads DuckDB sizes, decimal and binary units', () => {
    expect(memoryBytes('8192MiB')).toBe(8 * GB);
    expect(memoryBytes('4GB')).toBe(4e9);
    expect(memoryBytes(' 1.5 gib ')).toBe(1.5 * GB);
    expect(memoryBytes('512KB')).toBe(512_000);
    expect(memoryBytes('lots')).toBeNaN();
    expect(memoryBytes('12')).toBeNaN();
  });
});

describe('engineStorage', () => {
  it('keeps tables in memory unless the inputs pass a quarter of the limit', () => {
    expect(engineStorage(1.4e9, '8192MiB', undefined)).toBe('memory'); // 10M order lines
    expect(engineStorage(14e9, '8192MiB', undefined)).toBe('file'); // 100M
    expect(engineStorage(1.4e9, '4GB', undefined)).toBe('file');
    expect(engineStorage(0.9e9, '4GB', undefined)).toBe('memory');
  });

  it('follows ETL_ENGINE_STORAGE when it names one', () => {
    expect(engineStorage(1, '8GB', 'file')).toBe('file');
    expect(engineStorage(1e15, '8GB', 'memory')).toBe('memory');
    expect(engineStorage(1e15, '8GB', 'other')).toBe('file');
  });
});

// The default DuckDB memory limit: the smaller of half the machine's RAM and 8 GB (DuckDB's own default,
// 80 % of RAM, leaves too little to the rest of a shared machine). No DuckDB import: the CLI's --help says it.
import { totalmem } from 'node:os';

const CAP_MIB = 8 * 1024;

/** e.g. '8192MiB' on a 32 GB machine, '4096MiB' on an 8 GB one (MiB: DuckDB reads MB as 10^6 bytes). */
export function defaultMemoryLimit(totalBytes: number = totalmem()): string {
  const halfMib = Math.floor(totalBytes / 2 / (1024 * 1024));
  return `${Math.max(256, Math.min(CAP_MIB, halfMib))}MiB`;
}

const UNITS: Record<string, number> = { b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** Bytes of a DuckDB memory size (`8192MiB`, `4GB`; KB, MB, GB, TB are 1000^i, KiB … TiB 1024^i); NaN when it is
 * not one. `--memory-limit` is checked by it. */
export function memoryBytes(size: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(size);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit ? Number(m[1]) * unit : Number.NaN;
}

/**
 * Where the run's tables live: in memory, or in a database file in the spill folder when the inputs are
 * large beside the memory limit (over a quarter of it). DuckDB spills in-memory tables uncompressed; a
 * database file stores them compressed and drops them from memory without writing them again (a 100M-line
 * run spilled over 40 GB in memory mode). ETL_ENGINE_STORAGE=memory|file forces one.
 */
export function engineStorage(inputBytes: number, memoryLimit: string, forced = process.env['ETL_ENGINE_STORAGE']): 'memory' | 'file' {
  if (forced === 'memory' || forced === 'file') return forced;
  return inputBytes > memoryBytes(memoryLimit) / 4 ? 'file' : 'memory';
}

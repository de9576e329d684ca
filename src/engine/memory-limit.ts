// The default DuckDB memory limit: the smaller of half the machine's RAM and 8 GB (DuckDB's own default,
// 80 % of RAM, leaves too little to the rest of a shared machine). No DuckDB import: the CLI's --help says it.
import { totalmem } from 'node:os';

const CAP_MIB = 8 * 1024;

/** e.g. '8192MiB' on a 32 GB machine, '4096MiB' on an 8 GB one (MiB: DuckDB reads MB as 10^6 bytes). */
export function defaultMemoryLimit(totalBytes: number = totalmem()): string {
  const halfMib = Math.floor(totalBytes / 2 / (1024 * 1024));
  return `${Math.max(256, Math.min(CAP_MIB, halfMib))}MiB`;
}

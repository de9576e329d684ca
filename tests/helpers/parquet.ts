// An independent Parquet reader (parquet-wasm → Arrow IPC → apache-arrow), used to prove that every
// published Parquet file is readable by something other than the engine that wrote it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tableFromIPC, type Table } from 'apache-arrow';
import { initSync, readParquet } from 'parquet-wasm/esm';

const require = createRequire(import.meta.url);
// The ESM build needs its WebAssembly module handed over once (no fetch in Node).
initSync({ module: readFileSync(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });

export function readParquetFile(path: string): Table {
  const table = readParquet(new Uint8Array(readFileSync(path)));
  return tableFromIPC(table.intoIPCStream());
}

export function parquetRowCount(path: string): number {
  return readParquetFile(path).numRows;
}

// An independent Parquet reader (parquet-wasm → Arrow IPC → apache-arrow), used to prove that every
// published Parquet file is readable by something other than the engine that wrote it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tableFromIPC, type Table } from 'apache-arrow';

const require = createRequire(import.meta.url);
// The node build of parquet-wasm is CommonJS and loads its .wasm synchronously.
const wasm = require('parquet-wasm/node') as typeof import('parquet-wasm/node');

export function readParquetFile(path: string): Table {
  const table = wasm.readParquet(new Uint8Array(readFileSync(path)));
  return tableFromIPC(table.intoIPCStream());
}

export function parquetRowCount(path: string): number {
  return readParquetFile(path).numRows;
}

// Which data `etl validate` reads: the file named on the command line, else the path of the contract's
// server (the one named by --server, else the first), relative to the contract file. The server also
// says the format (csv | json | parquet) and, for JSON, the layout (delimiter new_line | array).
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Contract, Server } from '../contracts/model.ts';
import { EtlError } from '../errors.ts';
import type { SourceFormat } from '../io/read-source.ts';

export interface DataSource {
  /** A file path or a glob. */
  pattern: string;
  format?: SourceFormat;
  jsonLayout?: 'ndjson' | 'array';
  /** The server entry the path or format came from, if any. */
  server?: string;
}

function jsonLayoutOf(server: Server | undefined): 'ndjson' | 'array' | undefined {
  if (server?.format !== 'json') return undefined;
  if (server.delimiter === 'new_line') return 'ndjson';
  if (server.delimiter === 'array') return 'array';
  return undefined; // no delimiter: the reader detects the layout from the first character
}

function pickServer(contract: Contract, name: string | undefined): Server | undefined {
  if (name === undefined) return contract.servers[0];
  const server = contract.servers.find((s) => s.name === name);
  if (!server) {
    const known = contract.servers.map((s) => s.name);
    throw new EtlError('USAGE_INVALID', `the contract has no server named ${name}`, {
      location: { file: contract.file },
      hint: known.length > 0 ? `servers in this contract: ${known.join(', ')}` : 'this contract declares no servers',
    });
  }
  return server;
}

export function resolveDataSource(contract: Contract, opts: { datafile?: string; server?: string }): DataSource {
  const server = pickServer(contract, opts.server);
  // A data file on the command line wins over the server's path; a server named explicitly still lends its format.
  const formatServer = opts.datafile !== undefined && opts.server === undefined ? undefined : server;
  let pattern: string;
  if (opts.datafile !== undefined) {
    pattern = resolve(opts.datafile);
  } else {
    const path = server?.path;
    if (!path) {
      throw new EtlError('USAGE_INVALID', server ? `server ${server.name} of the contract has no path` : 'no data file given and the contract declares no server', {
        location: { file: contract.file },
        hint: 'pass the data file: etl validate --contract FILE DATAFILE',
      });
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(path)?.[1];
    if (scheme !== undefined && scheme.toLowerCase() !== 'file') {
      throw new EtlError('USAGE_INVALID', `server ${server.name} points at ${path}; validate reads local files only`, {
        location: { file: contract.file },
        hint: 'download the file and pass it: etl validate --contract FILE DATAFILE',
      });
    }
    const local = path.replace(/^file:\/\//, '');
    pattern = isAbsolute(local) ? local : resolve(dirname(contract.file), local);
  }
  const out: DataSource = { pattern };
  if (formatServer?.format) out.format = formatServer.format;
  const layout = jsonLayoutOf(formatServer);
  if (layout) out.jsonLayout = layout;
  if (server && (opts.datafile === undefined || opts.server !== undefined)) out.server = server.name;
  return out;
}

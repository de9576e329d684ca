// `etl contracts export --format jsonschema|markdown|sql [FILES...] [--out FILE]`: the contracts as a
// JSON Schema of a record, a Markdown data dictionary, or CREATE TABLE DDL. Exit 0, or 2 on bad input.
import { writeOutput } from './write-output.ts';
import { renderJsonSchema } from '../contracts/export-jsonschema.ts';
import { renderMarkdownDictionary } from '../contracts/export-markdown.ts';
import { renderDdl } from '../contracts/export-sql.ts';
import { EXIT } from '../errors.ts';
import { loadContractsForCommand } from './load-for-command.ts';
import { parseFormat } from './parse-format.ts';

const EXPORT_FORMATS = ['jsonschema', 'markdown', 'sql'] as const;

export interface ExportCommandOptions {
  files: string[];
  format?: string;
  contracts?: string;
  out?: string;
}

export async function exportCommand(opts: ExportCommandOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const format = parseFormat(opts.format, EXPORT_FORMATS, 'markdown');
  const contracts = await loadContractsForCommand(opts.files.length ? opts.files : [opts.contracts ?? 'contracts']);
  const text = format === 'jsonschema' ? renderJsonSchema(contracts) : format === 'sql' ? renderDdl(contracts) : renderMarkdownDictionary(contracts);
  writeOutput(text, opts.out, write);
  return EXIT.OK;
}

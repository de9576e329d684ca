// `etl contracts diff OLD NEW [--allow-breaking] [--format text|markdown|json]`: the changes between
// two versions of the contracts (files or folders), classified breaking / non-breaking / info.
// Exit 1 when a change is breaking (unless --allow-breaking), 0 otherwise, 2 on bad input.
import { diffContractSets } from '../contracts/diff.ts';
import { DIFF_FORMATS, renderDiff, type DiffFormat } from '../contracts/diff-render.ts';
import { EXIT } from '../errors.ts';
import { loadContractsForCommand } from './load-for-command.ts';
import { parseFormat } from './parse-format.ts';

export interface DiffCommandOptions {
  old: string;
  new: string;
  allowBreaking?: boolean;
  format?: string;
}

export async function diffCommand(opts: DiffCommandOptions, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const format: DiffFormat = parseFormat(opts.format, DIFF_FORMATS, 'text');
  const olds = await loadContractsForCommand([opts.old]);
  const news = await loadContractsForCommand([opts.new]);
  const diff = diffContractSets(olds, news);
  out(renderDiff(diff, format));
  // JSON carries the warnings in its body; text and Markdown print them in the table's footer.
  if (format === 'json') for (const w of diff.warnings) process.stderr.write(`warning: ${w.contract}: ${w.message} (${w.file})\n`);
  return diff.summary.breaking > 0 && !opts.allowBreaking ? EXIT.CHECKS_FAILED : EXIT.OK;
}

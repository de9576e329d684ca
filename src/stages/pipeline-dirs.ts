// Where a run finds its models and config. A shop's pipeline folder (e.g. examples/olist/pipeline)
// holds what the steward changes — staging models, and config.yaml when the defaults do not fit —
// and falls back to the product's own gold models and config for the rest.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE } from '../config-file.ts';

export interface PipelineDirs {
  /** The folder given with --pipeline (its staging/ models). */
  pipeline: string;
  /** Folder whose models/ are the gold models. */
  models: string;
  /** Folder whose config.yaml is the pipeline config. */
  config: string;
}

/** The product's root folder (the one holding package.json and pipeline/), found from this module. */
export function packageRoot(): string {
  let dir = import.meta.dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'pipeline', 'models'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(import.meta.dirname, '..', '..');
    dir = up;
  }
}

export function resolvePipelineDirs(pipelineDir: string): PipelineDirs {
  const builtin = join(packageRoot(), 'pipeline');
  return {
    pipeline: pipelineDir,
    models: existsSync(join(pipelineDir, 'models')) ? pipelineDir : builtin,
    config: existsSync(join(pipelineDir, CONFIG_FILE)) ? pipelineDir : builtin,
  };
}

/** The contract folders of a run: the steward's folder, plus the product's gold contracts when that
 * folder has no gold/ of its own (the gold contracts belong with the product's gold models). */
export function contractPaths(contractsDir: string, dirs: PipelineDirs): string[] {
  if (existsSync(join(contractsDir, 'gold')) || dirs.models !== join(packageRoot(), 'pipeline')) return [contractsDir];
  const builtinGold = join(packageRoot(), 'contracts', 'gold');
  return existsSync(builtinGold) && resolve(builtinGold) !== resolve(contractsDir, 'gold') ? [contractsDir, builtinGold] : [contractsDir];
}

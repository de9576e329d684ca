// The models against the contracts, before any data: staging models read declared raw sources and
// produce datasets with a silver contract; every staging and gold model binds on empty tables shaped
// by the contracts. Used by `etl contracts lint` and at the start of `etl run`.
import type { Contract } from '../contracts/model.ts';
import type { Problem } from '../contracts/problem.ts';
import { loadPipelineConfig, modelVars } from '../config.ts';
import { EtlError } from '../errors.ts';
import { bindModels } from './bind-models.ts';
import { checkStagingModels, readStagingModels } from './staging.ts';
import { resolvePipelineDirs } from './pipeline-dirs.ts';

/** Problems of the models of pipelineDir against a contract set (empty when all is well). */
export async function checkModelsAgainstContracts(contracts: Contract[], pipelineDir: string, asOf = '2000-01-01'): Promise<Problem[]> {
  try {
    const dirs = resolvePipelineDirs(pipelineDir);
    const config = await loadPipelineConfig(dirs.config);
    const staging = await readStagingModels(pipelineDir);
    checkStagingModels(
      staging,
      new Set(contracts.filter((c) => c.layer === 'source').map((c) => c.dataset)),
      new Set(contracts.filter((c) => c.layer === 'silver').map((c) => c.dataset)),
    );
    const { Engine } = await import('../engine/engine.ts');
    const engine = await Engine.open({ threads: 1 });
    try {
      return await bindModels(engine, { contracts, dirs, vars: modelVars(config, asOf) });
    } finally {
      engine.close();
    }
  } catch (e) {
    if (!(e instanceof EtlError)) throw e;
    const line = e.location?.line;
    return [{ code: 'MODEL_INVALID', severity: 'error', file: e.location?.file ?? pipelineDir, ...(line ? { line } : {}), message: e.message, ...(e.hint ? { hint: e.hint } : {}) }];
  }
}

// The models against the contracts, before any data: staging models read declared raw sources and
// produce datasets with a silver contract; every staging and gold model binds on empty tables shaped
// by the contracts. Used by `etl contracts lint` and at the start of `etl run`.
//
// The problems depend only on what the binding reads of the source and silver contracts (binding-view.ts:
// datasets, files, properties' names, types, required/key flags; the lines a problem points at), the model
// files, the models' variables of the config and --as-of: they are cached under a hash of those
// (src/cache.ts), so an unchanged pipeline is not bound through DuckDB again (0.35 s of every lint and run:
// DuckDB's native module and one bind per model). An edit of any of those binds afresh; an edit the
// binding cannot see (a gold contract, a description, a rule, lines moved where no problem points, a
// config key no model reads) keeps the entry. The variables are cached under the config's bytes, so that
// a model edit does not load the config's YAML and zod schema again.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Contract } from '../contracts/model.ts';
import type { ModelVar } from './gold-models.ts';
import type { Problem } from '../contracts/problem.ts';
import { cacheKey, readCache, writeCache } from '../cache.ts';
import { CONFIG_FILE } from '../config-file.ts';
import { EtlError } from '../errors.ts';
import { bindingView, type BindContract } from './binding-view.ts';
import { resolvePipelineDirs, type PipelineDirs } from './pipeline-dirs.ts';

/** A line the binding read: [contract index in the view, property index or -1 for the contract, line]. */
type LineRead = [number, number, number | null];

/** Problems of the models of pipelineDir against a contract set (empty when all is well). */
export async function checkModelsAgainstContracts(contracts: Contract[], pipelineDir: string, asOf = '2000-01-01'): Promise<Problem[]> {
  const dirs = resolvePipelineDirs(pipelineDir);
  // The config is read for its models' variables only: an edit of anything else in it binds nothing again.
  let vars: Record<string, ModelVar>;
  try {
    vars = await modelVarsOf(dirs, asOf);
  } catch (e) {
    return [problemOf(e, dirs)];
  }
  // The binding receives only this view, so the key covers all it reads of the contracts but their lines:
  // a line is read only to place a problem, so the entry lists the lines the binding read, and holds
  // while each is still where it was (an edit that moves lines binds nothing again unless a problem
  // points at one of them).
  const view = bindingView(contracts);
  const lineFree = JSON.stringify({ contracts: view, dirs, asOf, vars }, (k, v: unknown) => (k === 'loc' ? undefined : v));
  const key = cacheKey('models', [lineFree, ...(await definitionContents(dirs))]);
  const hit = readCache<{ problems: Problem[]; lines: LineRead[] }>(key);
  const lineAt = (ci: number, pi: number): number | null => (pi < 0 ? view[ci]?.loc.line : view[ci]?.properties[pi]?.loc.line) ?? null;
  if (hit && Array.isArray(hit.lines) && hit.lines.every(([ci, pi, line]) => lineAt(ci, pi) === line)) return hit.problems;
  const lines: LineRead[] = [];
  const tracked = (ci: number, pi: number): { readonly line: number | undefined } => ({
    get line() {
      const line = lineAt(ci, pi);
      lines.push([ci, pi, line]);
      return line ?? undefined;
    },
  });
  const problems = await bindAgainstContracts(
    view.map((c, ci) => ({ ...c, loc: tracked(ci, -1), properties: c.properties.map((p, pi) => ({ ...p, loc: tracked(ci, pi) })) })),
    dirs,
    vars,
  );
  writeCache(key, { problems, lines });
  return problems;
}

/** Names and bytes of every model file the binding reads: staging and gold models. */
async function definitionContents(dirs: PipelineDirs): Promise<(string | Buffer)[]> {
  const out: (string | Buffer)[] = [];
  const add = async (file: string): Promise<void> => {
    try {
      const bytes = await readFile(file);
      out.push(file, bytes);
    } catch {
      out.push(file, '\0absent');
    }
  };
  for (const dir of [join(dirs.pipeline, 'staging'), join(dirs.models, 'models')]) {
    let names: string[];
    try {
      names = (await readdir(dir, { recursive: true })).sort();
    } catch {
      out.push(dir, '\0absent');
      continue;
    }
    for (const n of names) await add(join(dir, n));
  }
  return out;
}

/** The models' variables of the config at asOf, cached under the config's name and bytes (a config that
 * does not load throws, and is not cached). */
async function modelVarsOf(dirs: PipelineDirs, asOf: string): Promise<Record<string, ModelVar>> {
  const file = join(dirs.config, CONFIG_FILE);
  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(file);
  } catch {
    // loadPipelineConfig reports it
  }
  const key = bytes && cacheKey('vars', [file, bytes, asOf]);
  const hit = readCache<Record<string, ModelVar>>(key);
  if (hit) return hit;
  const { loadPipelineConfig, modelVars, parsePipelineConfig } = await import('../config.ts');
  // Parsed from the bytes of the key (loadPipelineConfig only for a file that cannot be read: its error).
  const vars = modelVars(bytes ? parsePipelineConfig(bytes.toString('utf8'), file) : await loadPipelineConfig(dirs.config), asOf);
  writeCache(key, vars);
  return vars;
}

/** A definition that does not load (config, model files) as a problem. */
function problemOf(e: unknown, dirs: PipelineDirs): Problem {
  if (!(e instanceof EtlError)) throw e;
  const line = e.location?.line;
  return { code: 'MODEL_INVALID', severity: 'error', file: e.location?.file ?? dirs.pipeline, ...(line ? { line } : {}), message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
}

async function bindAgainstContracts(contracts: BindContract[], dirs: PipelineDirs, vars: Record<string, ModelVar>): Promise<Problem[]> {
  try {
    const [{ bindModels }, { checkStagingModels, readStagingModels }] = await Promise.all([import('./bind-models.ts'), import('./staging.ts')]);
    const staging = await readStagingModels(dirs.pipeline);
    checkStagingModels(
      staging,
      new Set(contracts.filter((c) => c.layer === 'source').map((c) => c.dataset)),
      new Set(contracts.filter((c) => c.layer === 'silver').map((c) => c.dataset)),
    );
    const { Engine } = await import('../engine/engine.ts');
    const engine = await Engine.open({ threads: 1 });
    try {
      return await bindModels(engine, { contracts, dirs, vars });
    } finally {
      engine.close();
    }
  } catch (e) {
    return [problemOf(e, dirs)];
  }
}

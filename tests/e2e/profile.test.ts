// The profiling aids of the engine (README, Performance): ETL_PROFILE_SQL logs every statement's wall time;
// ETL_PROFILE_PLAN runs the statements whose text matches with DuckDB's profiler on and writes each one's
// operator tree as JSON. Neither changes what the run publishes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, treeHashes } from '../helpers/cli.ts';

const AS_OF = '2025-07-01';
const work = tempDir('etl-e2e-profile-');
const data = join(work, 'data');

function run(name: string, env: Record<string, string> = {}) {
  const out = join(work, `${name}-out`);
  const r = runCli(['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', join(ROOT, 'pipeline'),
    '--out', out, '--reports', join(work, `${name}-reports`), '--as-of', AS_OF, '--log-level', 'silent'], { env });
  return { ...r, out };
}

interface PlanNode { operator_name?: string; operator_cardinality?: number; operator_timing?: number; children?: PlanNode[] }
const operators = (n: PlanNode): PlanNode[] => [n, ...(n.children ?? []).flatMap(operators)];

beforeAll(() => {
  const gen = runCli(['generate', '--out', data, '--orders', '600', '--seed', '5', '--as-of', AS_OF]);
  expect(gen.code, gen.stderr).toBe(0);
});

describe('profiling', () => {
  it('ETL_PROFILE_SQL logs statements with their times; ETL_PROFILE_PLAN writes the operator tree of the matching ones; the output is the same', () => {
    const plans = join(work, 'plans');
    const log = join(work, 'sql.log');
    const profiled = run('profiled', { ETL_PROFILE_SQL: log, ETL_PROFILE_PLAN: 'TABLE "gold"\\."orders_enriched" AS', ETL_PROFILE_PLAN_DIR: plans });
    expect(profiled.code, profiled.stderr).toBe(0);
    const plain = run('plain');
    expect(plain.code, plain.stderr).toBe(0);
    expect(treeHashes(profiled.out, /^_runs\//)).toEqual(treeHashes(plain.out, /^_runs\//));

    const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.filter((l) => !/^ *\d+ ms {2}/.test(l))).toEqual([]);
    expect(lines.some((l) => l.includes('CREATE OR REPLACE TABLE "gold"."orders_enriched" AS'))).toBe(true);

    // Built once; bound on empty inputs before any data is read too, unless that check is cached.
    const files = readdirSync(plans).sort();
    expect([1, 2]).toContain(files.length);
    const all = files.map((f) => JSON.parse(readFileSync(join(plans, f), 'utf8')) as PlanNode & { query_name: string; latency: number });
    expect(all.every((p) => p.query_name.includes('"gold"."orders_enriched" AS') && p.latency > 0)).toBe(true);
    const record = JSON.parse(readFileSync(join(profiled.out, '_runs', readdirSync(join(profiled.out, '_runs'))[0]!), 'utf8')) as { gold: Record<string, number> };
    expect(record.gold['orders_enriched']).toBeGreaterThan(500);
    const built = all.filter((p) => operators(p).some((o) => o.operator_name === 'WINDOW' && o.operator_cardinality === record.gold['orders_enriched']));
    expect(built).toHaveLength(1);
  }, 120_000);
});

// examples/schedule: the cron line, the systemd service + timer and the Airflow DAG are parsed and checked
// (five valid cron fields, the INI keys systemd needs, the DAG compiled by python3 -m py_compile and its
// exit-code mapping), and every `etl run` option they use is one the real CLI's `etl run --help` lists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

const DIR = join(ROOT, 'examples', 'schedule');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');

// ---- cron -------------------------------------------------------------------------------------------
const FIELDS: [string, number, number, Record<string, number>?][] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12, { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 }],
  ['day of week', 0, 7, { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }],
];

/** Is one cron field valid (*, n, a-b, lists, /step, names)? Returns the reason when not. */
function cronFieldError(text: string, [name, lo, hi, names]: (typeof FIELDS)[number]): string | null {
  const value = (v: string) => {
    const n = names?.[v.toLowerCase()] ?? (/^\d+$/.test(v) ? Number(v) : NaN);
    return Number.isInteger(n) && n >= lo && n <= hi ? n : null;
  };
  for (const part of text.split(',')) {
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(part);
    if (!m) return `${name}: '${part}' is not a cron field`;
    if (m[2] !== undefined && Number(m[2]) < 1) return `${name}: step 0`;
    if (m[1] === '*') continue;
    const [a, b] = m[1]!.split('-');
    const x = value(a!);
    const y = b === undefined ? x : value(b);
    if (x === null || y === null) return `${name}: '${part}' is out of ${lo}-${hi}`;
    if (y < x) return `${name}: '${part}' is a reversed range`;
  }
  return null;
}

function cronJobs(text: string): { fields: string[]; command: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !/^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => {
      const parts = l.split(/\s+/);
      return { fields: parts.slice(0, 5), command: parts.slice(5).join(' ') };
    });
}

// ---- systemd units (INI) ----------------------------------------------------------------------------
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[([A-Za-z]+)\]$/.exec(line);
    if (section) {
      current = sections[section[1]!] = {};
      return;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`line ${i + 1}: not a key=value inside a [Section]: ${line}`);
    (current[kv[1]!] ??= []).push(kv[2]!.trim());
  });
  return sections;
}

/** `etl run` options used in a command line, and the options `etl run --help` knows. */
function etlRunOptions(command: string): string[] {
  const at = command.search(/\betl(\.js)? run\b/);
  expect(at, command).toBeGreaterThanOrEqual(0);
  return [...command.slice(at).split(/\s+/).filter((t) => t.startsWith('--'))];
}
const runHelp = runCli(['run', '--help']);
const globalHelp = runCli(['--help']);
const known = new Set([...`${runHelp.stdout}${globalHelp.stdout}`.matchAll(/--[a-z-]+/g)].map((m) => m[0]));

function expectKnownRunOptions(command: string): void {
  expect(runHelp.code).toBe(0);
  const used = etlRunOptions(command);
  expect(used).toContain('--strict');
  for (const o of used) expect({ option: o, known: known.has(o) }).toEqual({ option: o, known: true });
}

describe('examples/schedule', () => {
  it('has a README naming every example', () => {
    const readme = read('README.md');
    for (const f of ['crontab', 'etl-nightly.service', 'etl-nightly.timer', 'etl_nightly_dag.py']) expect(readme).toContain(f);
  });

  it('crontab: one job, five valid fields, calling etl run --strict', () => {
    const jobs = cronJobs(read('crontab'));
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job!.fields).toHaveLength(5);
    expect(FIELDS.map((f, i) => cronFieldError(job!.fields[i]!, f))).toEqual([null, null, null, null, null]);
    expect(job!.command).toMatch(/\betl run --strict\b/);
    expect(job!.command).not.toContain('%'); // cron turns an unescaped % into a newline
    expectKnownRunOptions(job!.command);
  });

  it('the cron field check rejects what cron would', () => {
    expect(cronFieldError('60', FIELDS[0]!)).toMatch(/out of 0-59/);
    expect(cronFieldError('5-2', FIELDS[1]!)).toMatch(/reversed/);
    expect(cronFieldError('*/0', FIELDS[0]!)).toMatch(/step 0/);
    expect(cronFieldError('0', FIELDS[2]!)).toMatch(/out of 1-31/);
    expect(cronFieldError('mon-fri', FIELDS[4]!)).toBeNull();
    expect(cronFieldError('1,15,*/5', FIELDS[0]!)).toBeNull();
  });

  it('etl-nightly.service: a oneshot running etl run --strict, retrying only exit code 3', () => {
    const unit = parseUnit(read('etl-nightly.service'));
    expect(Object.keys(unit).sort()).toEqual(['Service', 'Unit']);
    const s = unit['Service']!;
    expect(s['Type']).toEqual(['oneshot']);
    expect(s['ExecStart']).toHaveLength(1);
    expect(s['ExecStart']![0]).toMatch(/^\/\S+ \S+\/bin\/etl\.js run --strict\b/);
    expectKnownRunOptions(s['ExecStart']![0]!);
    expect(s['WorkingDirectory']).toHaveLength(1);
    expect(s['Restart']).toEqual(['on-failure']);
    expect(s['RestartPreventExitStatus']![0]!.split(/\s+/).sort()).toEqual(['1', '2']);
    expect(unit['Unit']!['Description']).toHaveLength(1);
  });

  it('etl-nightly.timer: OnCalendar daily, Persistent, starting the service, wanted by timers.target', () => {
    const unit = parseUnit(read('etl-nightly.timer'));
    const t = unit['Timer']!;
    expect(t['OnCalendar']).toHaveLength(1);
    expect(t['OnCalendar']![0]).toMatch(/^\*-\*-\* \d{2}:\d{2}(:\d{2})? UTC$/);
    expect(t['Persistent']).toEqual(['true']);
    expect(t['Unit']).toEqual(['etl-nightly.service']);
    expect(unit['Install']!['WantedBy']).toEqual(['timers.target']);
    if (existsSync('/usr/bin/systemd-analyze') || existsSync('/bin/systemd-analyze')) {
      const r = spawnSync('systemd-analyze', ['calendar', t['OnCalendar']![0]!], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC' },
      });
      expect(r.status, r.stderr).toBe(0);
      // systemd prints the next elapse in the process's zone, then '(in UTC)' when that zone is not UTC
      expect(r.stdout).toMatch(/(Next elapse|\(in UTC\)): .* 02:30:00 UTC/);
    }
  });

  it('etl_nightly_dag.py compiles and maps the etl exit codes to task states', () => {
    const cfile = join(tempDir('etl-dag-'), 'dag.pyc');
    const py = spawnSync('python3', ['-c', 'import sys, py_compile; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', join(DIR, 'etl_nightly_dag.py'), cfile], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    expect(existsSync(cfile)).toBe(true);
    const dag = read('etl_nightly_dag.py');
    expect(dag).toMatch(/from airflow\.operators\.bash import BashOperator/);
    expect(dag).toMatch(/class EtlRunOperator\(BashOperator\)/);
    expect(dag).toMatch(/"retries": [1-9]/);
    expect(dag).toMatch(/raise AirflowFailException/);
    const mapping = /EXIT_CODE_STATES = \{([^}]*)\}/.exec(dag)?.[1] ?? '';
    const states = Object.fromEntries([...mapping.matchAll(/(\d+): "([a-z_]+)"/g)].map((m) => [m[1], m[2]]));
    expect(states).toEqual({ '0': 'success', '1': 'failed_no_retry', '2': 'failed_no_retry', '3': 'retry' });
    const command = /bash_command=\(([^)]*)\)/s.exec(dag)?.[1]?.replace(/"\s*"/g, '') ?? '';
    expect(command).toMatch(/etl run --strict/);
    expectKnownRunOptions(command);
  });

  it('the DAG really maps exit codes: its operator run against a stand-in airflow module', () => {
    // A minimal stand-in for the three airflow names the DAG imports, so the module's own logic runs.
    const stub = tempDir('etl-airflow-stub-');
    const script = `
import sys, types, importlib.util
class AirflowException(Exception): pass
class AirflowFailException(AirflowException): pass
class BashOperator:
    def __init__(self, **kw): self.kw = kw
    def execute(self, context):
        code = context["code"]
        if code != 0: raise AirflowException(f"Bash command failed. The command returned a non-zero exit code {code}.")
        return "ok"
class DAG:
    def __init__(self, **kw): pass
    def __enter__(self): return self
    def __exit__(self, *a): return False
airflow = types.ModuleType("airflow"); airflow.DAG = DAG
exc = types.ModuleType("airflow.exceptions"); exc.AirflowException = AirflowException; exc.AirflowFailException = AirflowFailException
ops = types.ModuleType("airflow.operators"); bash = types.ModuleType("airflow.operators.bash"); bash.BashOperator = BashOperator
sys.modules.update({"airflow": airflow, "airflow.exceptions": exc, "airflow.operators": ops, "airflow.operators.bash": bash})
spec = importlib.util.spec_from_file_location("dag", sys.argv[1]); dag = importlib.util.module_from_spec(spec); spec.loader.exec_module(dag)
op = dag.EtlRunOperator(task_id="t", bash_command="x")
for code in (0, 1, 2, 3, 137):
    try:
        op.execute({"code": code}); print(code, "success")
    except AirflowFailException: print(code, "fail")
    except AirflowException: print(code, "retry")
`;
    const r = spawnSync('python3', ['-c', script, join(DIR, 'etl_nightly_dag.py')], { encoding: 'utf8', cwd: stub });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['0 success', '1 fail', '2 fail', '3 retry', '137 retry']);
  });
});

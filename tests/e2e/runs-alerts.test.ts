// Alert delivery and run history through the real CLI, on two real runs: the first delivers to a local
// webhook (HTTP) and a local SMTP sink started here on 127.0.0.1; then one input file changes and the
// second run's webhook is refused and its SMTP sink rejects the recipient — the run still exits 0 and
// records both failures. `etl runs list/show` then read the two run records.
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.ts';

const AS_OF = '2026-11-20';
const work = tempDir('etl-e2e-alerts-');
const data = join(work, 'data');
const out = join(work, 'output');
const reports = join(work, 'reports');
const pipeline = join(work, 'pipeline');
const SECRET = 's3cret-token-8731';

// The CLI runs as a child process while this process serves the sinks: spawn, not spawnSync.
function runCliAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const runArgs = () => ['run', '--data', data, '--contracts', join(ROOT, 'contracts'), '--pipeline', pipeline, '--out', out, '--reports', reports, '--as-of', AS_OF, '--log-level', 'info', '--log-format', 'json'];

interface Hook { path: string; headers: Record<string, string | string[] | undefined>; body: Record<string, any> }
interface Mail { from: string; to: string[]; data: string }
const hooks: Hook[] = [];
const mails: Mail[] = [];
let http: Server;
let smtp: ReturnType<typeof createNetServer>;
let refusedPort = 0;

/** A tiny SMTP sink: answers EHLO/MAIL/RCPT/DATA/QUIT; RCPT to reject@… is refused with 550. */
function startSmtpSink(): Promise<number> {
  smtp = createNetServer((socket) => {
    let buffer = '';
    let inData = false;
    let mail: Mail = { from: '', to: [], data: '' };
    const lines: string[] = [];
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push({ ...mail, data: lines.join('\n') });
            lines.length = 0;
            mail = { from: '', to: [], data: '' };
            socket.write('250 queued\r\n');
          } else lines.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') (mail.from = /<(.*)>/.exec(line)![1]!), socket.write('250 ok\r\n');
        else if (verb === 'RCPT') {
          const to = /<(.*)>/.exec(line)![1]!;
          if (to.startsWith('reject@')) socket.write('550 no such user\r\n');
          else (mail.to.push(to), socket.write('250 ok\r\n'));
        } else if (verb === 'DATA') (inData = true), socket.write('354 go ahead\r\n');
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('502 not implemented\r\n');
      }
    });
  });
  return new Promise((r) => smtp.listen(0, '127.0.0.1', () => r((smtp.address() as AddressInfo).port)));
}

function writeConfig(alerts: string): void {
  const base = readFileSync(join(ROOT, 'pipeline', 'config.yaml'), 'utf8');
  writeFileSync(join(pipeline, 'config.yaml'), `${base}\n${alerts}`);
}

const readRecord = (id: string) => JSON.parse(readFileSync(join(out, '_runs', `${id}.json`), 'utf8'));
let run1: CliResult;
let run2: CliResult;
let run3: CliResult;
let quality1: any;
let alerts1: any;
let quality2: any;

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const httpPort = (http.address() as AddressInfo).port;
  const smtpPort = await startSmtpSink();
  const closed = createNetServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  refusedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));

  const gen = runCli(['generate', '--out', data, '--orders', '3000', '--seed', '11', '--defect-rate', '0.02', '--as-of', AS_OF]);
  expect(gen.code, gen.stderr).toBe(0);
  cpSync(join(ROOT, 'pipeline'), pipeline, { recursive: true });

  writeConfig(`alerts:
  max_alerts: 2
  webhook:
    url: http://127.0.0.1:${httpPort}/hooks/etl
    headers:
      Authorization: "Bearer \${ETL_WEBHOOK_TOKEN}"
      X-Team: data
  email:
    host: 127.0.0.1
    port: ${smtpPort}
    from: etl@example.com
    to: [oncall@example.com, lead@example.com]
`);
  run1 = await runCliAsync(runArgs(), { ETL_WEBHOOK_TOKEN: SECRET });
  quality1 = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));
  alerts1 = JSON.parse(readFileSync(join(reports, 'alerts.json'), 'utf8'));

  // One input changes: an exact duplicate of an order line is appended to orders.csv.
  const orders = readFileSync(join(data, 'orders.csv'), 'utf8');
  const line = orders.split('\n')[1]!;
  writeFileSync(join(data, 'orders.csv'), `${orders.endsWith('\n') ? orders : `${orders}\n`}${line}\n`);
  writeConfig(`alerts:
  webhook:
    url: http://127.0.0.1:${refusedPort}/hooks/etl
  email:
    host: 127.0.0.1
    port: ${smtpPort}
    from: etl@example.com
    to: [reject@example.com]
`);
  run2 = await runCliAsync(runArgs());
  quality2 = JSON.parse(readFileSync(join(reports, 'quality_report.json'), 'utf8'));

  // A run stopped by an error (no source files): still announced, as FAILED with the error.
  writeConfig(`alerts:
  webhook:
    url: http://127.0.0.1:${httpPort}/hooks/stopped
`);
  run3 = await runCliAsync(runArgs().map((a) => (a === data ? tempDir('etl-e2e-nodata-') : a)));
}, 600_000);

afterAll(async () => {
  await new Promise((r) => http?.close(r));
  await new Promise((r) => smtp?.close(r));
});

describe('alert delivery after a run', () => {
  it('posts the status, gate failures and capped KPI alerts as JSON to the webhook, with headers from the environment', () => {
    expect(run1.code, run1.stderr).toBe(0);
    expect(hooks.filter((h) => h.path === '/hooks/etl')).toHaveLength(1);
    const { path, headers, body } = hooks[0]!;
    expect(path).toBe('/hooks/etl');
    expect(headers['authorization']).toBe(`Bearer ${SECRET}`);
    expect(headers['x-team']).toBe('data');
    expect(headers['content-type']).toBe('application/json');
    const gate = quality1.checks.filter((c: any) => c.kind === 'dataset' && c.severity === 'error' && (c.status === 'failed' || c.status === 'error'));
    expect(body.run_id).toBe(quality1.run_id);
    expect(body.status).toBe(gate.length > 0 ? 'WARNING' : 'SUCCESS');
    expect(body.exit_code).toBe(0);
    expect(body.as_of).toBe(AS_OF);
    expect(body.strict).toBe(false);
    expect(body.error).toBeNull();
    expect(body.gate_failures.map((g: any) => g.id)).toEqual(gate.map((c: any) => c.id));
    expect(body.sources.orders.records_in).toBe(quality1.sources.orders.records_in);
    expect(body.sources.orders.rows_quarantined).toBe(quality1.sources.orders.rows_quarantined);
    expect(alerts1.count).toBeGreaterThan(2);
    expect(body.alerts.count).toBe(alerts1.count);
    expect(body.alerts.shown).toBe(2);
    expect(body.alerts.truncated).toBe(true);
    expect(body.alerts.items).toEqual(alerts1.alerts.slice(0, 2));
    expect(body.duration_ms).toBeGreaterThan(0);
  });

  it('sends a short text e-mail over SMTP to every recipient', () => {
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.from).toBe('etl@example.com');
    expect(m.to).toEqual(['oncall@example.com', 'lead@example.com']);
    const status = hooks[0]!.body.status as string;
    expect(m.data).toContain(`Subject: [etl] ${status}: run ${quality1.run_id} as of ${AS_OF}`);
    expect(m.data).toContain('To: oncall@example.com, lead@example.com');
    expect(m.data).toContain(`etl run ${quality1.run_id} as of ${AS_OF}: ${status}, exit code 0`);
    expect(m.data).toContain(`orders: ${quality1.sources.orders.records_in} in, ${quality1.sources.orders.rows_out} out, ${quality1.sources.orders.rows_quarantined} quarantined`);
    expect(m.data).toContain(`KPI alerts: ${alerts1.count} (the first 2 below`);
    expect(m.data).not.toContain(SECRET);
  });

  it('records the deliveries in the run record, without the secret', () => {
    const text = readFileSync(join(out, '_runs', `${quality1.run_id}.json`), 'utf8');
    expect(JSON.parse(text).deliveries).toEqual([
      { channel: 'webhook', ok: true, error: null },
      { channel: 'email', ok: true, error: null },
    ]);
    expect(text).not.toContain(SECRET);
  });

  it('a refused webhook and a rejected recipient are logged and recorded, and the run still exits 0', () => {
    expect(run2.code, run2.stderr).toBe(0);
    expect(quality2.run_id).not.toBe(quality1.run_id);
    expect(quality2.status).toBe('SUCCESS');
    expect(run2.stderr).toMatch(/alert delivery failed/);
    const d = readRecord(quality2.run_id).deliveries as { channel: string; ok: boolean; error: string }[];
    expect(d.map((x) => [x.channel, x.ok])).toEqual([['webhook', false], ['email', false]]);
    expect(d[0]!.error).toMatch(/ECONNREFUSED/);
    expect(d[1]!.error).toMatch(/RCPT TO reject@example.com refused: 550/);
    expect(mails).toHaveLength(1);
    expect(hooks.filter((h) => h.path === '/hooks/etl')).toHaveLength(1);
  });

  it('a run stopped by an error is announced as FAILED with its error, and keeps its exit code', () => {
    expect(run3.code, run3.stderr).toBe(2);
    expect(run3.stderr).toMatch(/SOURCE_NOT_FOUND/);
    const stopped = hooks.filter((h) => h.path === '/hooks/stopped');
    expect(stopped).toHaveLength(1);
    const body = stopped[0]!.body;
    expect(body.status).toBe('FAILED');
    expect(body.exit_code).toBe(2);
    expect(body.run_id).toBeNull();
    expect(body.error.code).toBe('SOURCE_NOT_FOUND');
    expect(body.gate_failures).toEqual([]);
    expect(body.alerts).toEqual({ count: 0, shown: 0, truncated: false, items: [] });
  });
});

describe('delivery while the output is still locked', () => {
  it('a run started while the previous one is delivering is refused, and the delivery outcome reaches the record', async () => {
    // The webhook holds its answer until a second run on the same output has been tried: delivery
    // happens before the lock is released, so the second run cannot replace the output (and with it the
    // record the delivery outcome is written into) in between.
    const out2 = join(work, 'output-held');
    const reports2 = join(work, 'reports-held');
    const args = () => runArgs().map((a) => (a === out ? out2 : a === reports ? reports2 : a));
    let second: CliResult | undefined;
    const bodies: Record<string, any>[] = [];
    const held = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        // The first run's notice: answered once a second run has been tried. The second run's own
        // (FAILED) notice is answered at once.
        if (bodies.length > 1) return void res.writeHead(204).end();
        void runCliAsync(args()).then((r) => {
          second = r;
          res.writeHead(204).end();
        });
      });
    });
    await new Promise<void>((r) => held.listen(0, '127.0.0.1', () => r()));
    try {
      writeConfig(`alerts:
  webhook:
    url: http://127.0.0.1:${(held.address() as AddressInfo).port}/hooks/held
    timeout_seconds: 120
`);
      const first = await runCliAsync(args());
      expect(first.code, first.stderr).toBe(0);
      expect(second?.code, first.stderr.slice(-3000)).toBe(2);
      expect(second?.stderr).toMatch(/^OUTPUT_LOCKED: .*output-held is in use by another etl run/m);
      expect(bodies.map((b) => [b.status, b.error?.code ?? null])).toEqual([[expect.stringMatching(/^(SUCCESS|WARNING)$/), null], ['FAILED', 'OUTPUT_LOCKED']]);
      const runsDir = join(out2, '_runs');
      const ids = readdirSync(runsDir).filter((f) => f.endsWith('.json'));
      expect(ids).toHaveLength(1);
      expect(JSON.parse(readFileSync(join(runsDir, ids[0]!), 'utf8')).deliveries).toEqual([{ channel: 'webhook', ok: true, error: null }]);
    } finally {
      await new Promise((r) => held.close(r));
    }
  }, 300_000);
});

describe('etl runs', () => {
  const runs = (args: string[]) => runCli(['runs', ...args]);

  it('lists both runs newest first as an aligned table, with what changed', () => {
    const r = runs(['list', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^run_id\s+status\s+as_of\s+strict\s+started_at\s+duration\s+records_in\s+quarantined\s+rate\s+changes$/);
    expect(lines[1]).toContain(quality2.run_id);
    expect(lines[1]).toContain('inputs +0 ~1 -0, records +1');
    expect(lines[2]).toContain(quality1.run_id);
    expect(lines[2]).toMatch(/first run$/);
    // Aligned: the status column starts at the same offset on every line.
    expect(new Set(lines.map((l) => l.search(/SUCCESS|status/))).size).toBe(1);
  });

  it('--json gives counts, quarantine rates and the changes since the previous run; --limit keeps the newest', () => {
    const r = runs(['list', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.total).toBe(2);
    const [second, first] = j.runs;
    expect(first.run_id).toBe(quality1.run_id);
    expect(first.changes.previous).toBeNull();
    expect(second.changes.previous).toBe(quality1.run_id);
    expect(second.changes.inputs.changed).toEqual([join(data, 'orders.csv')]);
    expect(second.changes.inputs.added).toEqual([]);
    expect(second.changes.inputs.removed).toEqual([]);
    expect(second.changes.contracts).toEqual([]);
    expect(second.changes.counts.orders).toEqual({ records_in: 1, rows_out: 0, rows_quarantined: 0 });
    expect(second.changes.counts.customers).toEqual({ records_in: 0, rows_out: 0, rows_quarantined: 0 });
    const o = quality2.sources.orders;
    expect(second.sources.orders.records_in).toBe(o.records_in);
    expect(second.sources.orders.quarantine_rate).toBeCloseTo(o.rows_quarantined / o.records_in, 6);
    expect(second.status).toBe('SUCCESS');
    expect(second.as_of).toBe(AS_OF);
    expect(second.duration_ms).toBeGreaterThan(0);
    const limited = JSON.parse(runs(['list', '--out', out, '--json', '--limit', '1']).stdout);
    expect(limited.runs.map((x: any) => x.run_id)).toEqual([quality2.run_id]);
  });

  it('show prints one run in full, by id or unique prefix', () => {
    const r = runs(['show', quality2.run_id, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`run ${quality2.run_id}: SUCCESS`);
    expect(r.stdout).toContain(`changes since ${quality1.run_id}:`);
    expect(r.stdout).toContain(`input changed: ${join(data, 'orders.csv')}`);
    expect(r.stdout).toMatch(/alert webhook: failed \(.*ECONNREFUSED/);
    expect(r.stdout).toMatch(new RegExp(`^orders\\s+${quality2.sources.orders.records_in}\\s`, 'm'));
    const j = JSON.parse(runs(['show', quality1.run_id.slice(0, -2), '--out', out, '--json']).stdout);
    expect(j.run_id).toBe(quality1.run_id);
    expect(j.deliveries).toHaveLength(2);
  });

  it('an unknown id exits 2 with the nearest ids as a hint', () => {
    const typo = `${quality1.run_id.slice(0, -1)}${quality1.run_id.endsWith('0') ? '1' : '0'}x`;
    const r = runs(['show', typo, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/RUN_NOT_FOUND/);
    expect(r.stderr).toContain(quality1.run_id);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const ambiguous = runs(['show', AS_OF.replaceAll('-', ''), '--out', out]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`RUN_NOT_FOUND: '${AS_OF.replaceAll('-', '')}' is the start of 2 runs`);
  });

  it('no runs: a clear message and exit 0', () => {
    const empty = tempDir('etl-e2e-noruns-');
    const r = runs(['list', '--out', empty]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^no runs recorded in /);
    expect(JSON.parse(runs(['list', '--out', empty, '--json']).stdout).runs).toEqual([]);
  });
});

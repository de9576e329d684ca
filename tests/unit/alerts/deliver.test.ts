// Alert delivery pieces against real sockets on 127.0.0.1: env resolution, non-2xx and timeouts of the
// webhook, SMTP timeouts and dot-stuffing, and the config keys.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverAlerts, deliveryStatus, emailMessage, emailText, resolveEnv, sendSmtp, sendWebhook, webhookPayload, type RunNotice } from '../../../src/alerts/deliver.ts';
import { parsePipelineConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.ts';

const servers: (Server | NetServer)[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen<T extends Server | NetServer>(server: T): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

const notice: RunNotice = {
  status: 'WARNING',
  exitCode: 0,
  runId: '20261120-abcdef0123',
  asOf: '2026-11-20',
  strict: false,
  startedAt: '2026-11-20T02:30:00.000Z',
  finishedAt: '2026-11-20T02:30:12.500Z',
  sources: { orders: { records_in: 100, rows_out: 95, rows_quarantined: 4, duplicates_dropped: 1, rows_excluded: 0, rows_flagged: 0 } },
  gateFailures: [{ id: 'orders.row_count', dataset: 'orders', layer: 'silver', kind: 'dataset', severity: 'error', description: 'at least 1000 rows', failed_rows: 0, value: 95, threshold: '>= 1000', status: 'failed' } as never],
  alerts: { count: 3, alerts: [{ type: 'low_stock', product_id: 'P1' }, { type: 'low_stock', product_id: 'P2' }, { type: 'out_of_stock', product_id: 'P3' }] },
  error: null,
};

describe('the message', () => {
  it('status: WARNING when published with gate failures, FAILED when nothing published', () => {
    expect(deliveryStatus(true, 0)).toBe('SUCCESS');
    expect(deliveryStatus(true, 2)).toBe('WARNING');
    expect(deliveryStatus(false, 0)).toBe('FAILED');
  });

  it('the JSON payload caps the alerts and keeps their count', () => {
    const p = webhookPayload(notice, 2) as any;
    expect(p.duration_ms).toBe(12_500);
    expect(p.alerts).toEqual({ count: 3, shown: 2, truncated: true, items: notice.alerts!.alerts.slice(0, 2) });
    expect(p.gate_failures).toEqual([{ id: 'orders.row_count', dataset: 'orders', status: 'failed', value: 95, threshold: '>= 1000', description: 'at least 1000 rows' }]);
  });

  it('the text names the verdict, the rates, the gate failures and the alerts', () => {
    const t = emailText(notice, 2);
    expect(t).toContain('etl run 20261120-abcdef0123 as of 2026-11-20: WARNING, exit code 0');
    expect(t).toContain('started 2026-11-20T02:30:00.000Z, finished 2026-11-20T02:30:12.500Z (12.5 s)');
    expect(t).toContain('orders: 100 in, 95 out, 4 quarantined (4.00 %)');
    expect(t).toContain('  - orders.row_count failed (value 95, expected >= 1000)');
    expect(t).toContain('KPI alerts: 3 (the first 2 below');
    expect(t).toContain('  - low_stock product_id=P2');
    expect(t).not.toContain('P3');
  });

  it('the e-mail is CRLF, dot-stuffed, and its headers cannot be split', () => {
    const m = emailMessage({ host: 'h', port: 25, from: 'a@b.c', to: ['x@y.z'], subject_prefix: '[etl]', timeout_seconds: 10 }, 'hi\r\nBcc: evil@x.y', '.leading dot\nok\n', new Date('2026-11-20T00:00:00Z'));
    expect(m).toContain('Subject: hi Bcc: evil@x.y\r\n');
    expect(m).not.toMatch(/\r\nBcc:/);
    expect(m).toContain('\r\n..leading dot\r\nok');
    expect(m).toContain('Date: Fri, 20 Nov 2026 00:00:00 GMT');
  });

  it('${NAME} comes from the environment; an unset one is an error', () => {
    expect(resolveEnv('Bearer ${TOKEN}', { TOKEN: 't' })).toBe('Bearer t');
    expect(() => resolveEnv('Bearer ${NOPE}', {})).toThrow('environment variable NOPE is not set');
    expect(resolveEnv('no vars', {})).toBe('no vars');
  });
});

describe('webhook', () => {
  it('a non-2xx answer is an error naming the status', async () => {
    const port = await listen(createHttpServer((_req, res) => res.writeHead(503).end('busy')));
    await expect(sendWebhook({ url: `http://127.0.0.1:${port}/`, headers: {}, timeout_seconds: 5 }, {}, {})).rejects.toThrow(/^HTTP 503/);
  });

  it('no answer within the timeout is an error, after about the timeout', async () => {
    const port = await listen(createHttpServer(() => undefined));
    const t0 = Date.now();
    await expect(sendWebhook({ url: `http://127.0.0.1:${port}/`, headers: {}, timeout_seconds: 0.3 }, {}, {})).rejects.toThrow('no answer within 0.3 s');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

const email = (port: number) => ({ host: '127.0.0.1', port, from: 'a@b.c', to: ['x@y.z'], subject_prefix: '[etl]', timeout_seconds: 0.3 });

describe('smtp', () => {
  it('a server that never greets times out', async () => {
    const port = await listen(createNetServer((s) => void sockets.push(s)));
    await expect(sendSmtp(email(port), 'x')).rejects.toThrow('no answer within 0.3 s');
  });

  it('a refused greeting is an error with the reply', async () => {
    const port = await listen(createNetServer((s) => s.end('554 go away\r\n')));
    await expect(sendSmtp(email(port), 'x')).rejects.toThrow('SMTP greeting refused: 554 go away');
  });
});

describe('deliverAlerts', () => {
  it('never throws: each channel ends as {channel, ok, error}', async () => {
    const closed = createNetServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    servers.splice(servers.indexOf(closed), 1);
    const d = await deliverAlerts(
      { max_alerts: 5, webhook: { url: `http://127.0.0.1:${port}/`, headers: { Authorization: '${MISSING_TOKEN}' }, timeout_seconds: 1 }, email: { ...email(port), timeout_seconds: 1 } },
      notice,
      silentLogger,
      {},
    );
    expect(d).toEqual([
      { channel: 'webhook', ok: false, error: 'environment variable MISSING_TOKEN is not set' },
      { channel: 'email', ok: false, error: expect.stringMatching(/ECONNREFUSED/) },
    ]);
    expect(await deliverAlerts(undefined, notice, silentLogger)).toEqual([]);
  });
});

describe('config: alerts', () => {
  const base = readFileSync(join(ROOT, 'pipeline', 'config.yaml'), 'utf8');
  it('is optional, with defaults', () => {
    expect(parsePipelineConfig(base, 'c.yaml').alerts).toBeUndefined();
    const c = parsePipelineConfig(`${base}\nalerts:\n  webhook:\n    url: https://h.example/x\n  email:\n    host: smtp\n    from: a@b.c\n    to: [d@e.f]\n`, 'c.yaml');
    expect(c.alerts).toEqual({
      max_alerts: 20,
      webhook: { url: 'https://h.example/x', headers: {}, timeout_seconds: 10 },
      email: { host: 'smtp', port: 25, from: 'a@b.c', to: ['d@e.f'], subject_prefix: '[etl]', timeout_seconds: 10 },
    });
  });

  it('rejects a bad URL, address or unknown key with file:line', () => {
    expect(() => parsePipelineConfig(`${base}\nalerts:\n  webhook:\n    url: ftp://x\n`, 'c.yaml')).toThrow(/alerts\.webhook\.url: an http:\/\/ or https:\/\/ URL/);
    expect(() => parsePipelineConfig(`${base}\nalerts:\n  email:\n    host: h\n    from: nobody\n    to: [a@b.c]\n`, 'c.yaml')).toThrow(/alerts\.email\.from: an e-mail address/);
    expect(() => parsePipelineConfig(`${base}\nalerts:\n  slack: {}\n`, 'c.yaml')).toThrow(/alerts: Unrecognized key.*slack/);
  });
});

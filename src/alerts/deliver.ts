// Alert delivery after a run: the status, the gate failures and the KPI alerts, as JSON to a webhook and
// as a short text e-mail over plain SMTP. Delivery is best effort: a refused connection, a timeout or a
// non-2xx answer is logged and returned as { channel, ok: false, error }, never thrown, so it cannot
// change a run's verdict or exit code. Secrets (${NAME} in the URL or header values) are read from the
// environment at send time and never written anywhere.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { createConnection } from 'node:net';
import type { Logger } from '../log.ts';
import type { CheckResult, SourceCounts } from '../checks/result.ts';
import type { PipelineConfig } from '../config.ts';

export type AlertsConfig = NonNullable<PipelineConfig['alerts']>;
export type DeliveryStatus = 'SUCCESS' | 'WARNING' | 'FAILED';

export interface Delivery {
  channel: 'webhook' | 'email';
  ok: boolean;
  error: string | null;
}

/** What a run tells the outside world: built by `etl run` from the outcome or from the error that stopped it. */
export interface RunNotice {
  status: DeliveryStatus;
  exitCode: number;
  runId: string | null;
  asOf: string;
  strict: boolean;
  startedAt: string | null;
  finishedAt: string;
  sources: Record<string, SourceCounts>;
  gateFailures: CheckResult[];
  /** reports/alerts.json of this run (only when it published), else null. */
  alerts: { count: number; alerts: Record<string, unknown>[] } | null;
  error: { code: string; message: string; hint: string | null } | null;
}

export const WEBHOOK_SCHEMA_VERSION = 1;

/** SUCCESS published with every error-severity dataset rule held; WARNING published although one failed
 * (no --strict); FAILED nothing published. */
export function deliveryStatus(published: boolean, gateFailures: number): DeliveryStatus {
  if (!published) return 'FAILED';
  return gateFailures > 0 ? 'WARNING' : 'SUCCESS';
}

/** The webhook's JSON body. */
export function webhookPayload(n: RunNotice, maxAlerts: number): Record<string, unknown> {
  const shown = n.alerts ? n.alerts.alerts.slice(0, maxAlerts) : [];
  return {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    event: 'etl.run.finished',
    run_id: n.runId,
    status: n.status,
    exit_code: n.exitCode,
    strict: n.strict,
    as_of: n.asOf,
    started_at: n.startedAt,
    finished_at: n.finishedAt,
    duration_ms: n.startedAt ? Date.parse(n.finishedAt) - Date.parse(n.startedAt) : null,
    sources: Object.fromEntries(Object.entries(n.sources).sort(([a], [b]) => a.localeCompare(b))),
    gate_failures: n.gateFailures.map((c) => ({
      id: c.id,
      dataset: c.dataset,
      status: c.status,
      value: c.value ?? null,
      threshold: c.threshold ?? null,
      description: c.description,
    })),
    alerts: { count: n.alerts?.count ?? 0, shown: shown.length, truncated: (n.alerts?.count ?? 0) > shown.length, items: shown },
    error: n.error,
  };
}

function oneLine(s: string, max = 300): string {
  const t = s.replace(/[\r\n]+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function alertLine(a: Record<string, unknown>): string {
  const fields = Object.entries(a)
    .filter(([k, v]) => k !== 'type' && k !== 'severity' && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toFixed(4)) : String(v)}`);
  return oneLine(`${String(a['type'] ?? 'alert')} ${fields.join(' ')}`, 200);
}

export function emailSubject(n: RunNotice, prefix: string): string {
  return oneLine(`${prefix} ${n.status}: run ${n.runId ?? '(none)'} as of ${n.asOf}`, 200).trim();
}

/** The e-mail's short text body. */
export function emailText(n: RunNotice, maxAlerts: number): string {
  const lines: string[] = [];
  lines.push(`etl run ${n.runId ?? '(stopped before a run id)'} as of ${n.asOf}${n.strict ? ' (strict)' : ''}: ${n.status}, exit code ${n.exitCode}`);
  if (n.startedAt) lines.push(`started ${n.startedAt}, finished ${n.finishedAt} (${((Date.parse(n.finishedAt) - Date.parse(n.startedAt)) / 1000).toFixed(1)} s)`);
  if (n.error) lines.push(`error: ${oneLine(`${n.error.code}: ${n.error.message}`)}${n.error.hint ? ` (hint: ${oneLine(n.error.hint)})` : ''}`);
  const sources = Object.entries(n.sources).sort(([a], [b]) => a.localeCompare(b));
  if (sources.length > 0) {
    lines.push('', 'sources:');
    for (const [name, c] of sources) {
      const rate = c.records_in > 0 ? ((100 * c.rows_quarantined) / c.records_in).toFixed(2) : '0.00';
      lines.push(`  ${name}: ${c.records_in} in, ${c.rows_out} out, ${c.rows_quarantined} quarantined (${rate} %)`);
    }
  }
  lines.push('', `gate failures: ${n.gateFailures.length}`);
  for (const f of n.gateFailures) lines.push(oneLine(`  - ${f.id} ${f.status}${f.value !== undefined && f.value !== null ? ` (value ${f.value}${f.threshold ? `, expected ${f.threshold}` : ''})` : ''}`));
  if (n.alerts) {
    const shown = n.alerts.alerts.slice(0, maxAlerts);
    lines.push('', `KPI alerts: ${n.alerts.count}${shown.length < n.alerts.count ? ` (the first ${shown.length} below, all in reports/alerts.json)` : ''}`);
    for (const a of shown) lines.push(`  - ${alertLine(a)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Replace ${NAME} with the environment variable NAME; an unset one is an error (nothing is sent). */
export function resolveEnv(template: string, env: NodeJS.ProcessEnv): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
    return value;
  });
}

function errorText(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return e.message || 'timed out';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return oneLine(cause ? `${e.message}: ${cause}` : String(e?.message ?? err));
}

export async function sendWebhook(cfg: NonNullable<AlertsConfig['webhook']>, payload: unknown, env: NodeJS.ProcessEnv): Promise<void> {
  const url = resolveEnv(cfg.url, env);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'etl-alerts/1' };
  for (const [k, v] of Object.entries(cfg.headers)) headers[k] = resolveEnv(v, env);
  const timeoutMs = Math.round(cfg.timeout_seconds * 1000);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(payload), signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError') throw new Error(`no answer within ${cfg.timeout_seconds} s`);
    throw err;
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
}

function header(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/** The message as sent: RFC 5322 headers, CRLF line ends, dot-stuffed for SMTP DATA. */
export function emailMessage(cfg: NonNullable<AlertsConfig['email']>, subject: string, text: string, date: Date): string {
  const body = text.split(/\r?\n/).map((l) => (l.length > 990 ? l.slice(0, 990) : l));
  const lines = [
    `From: ${header(cfg.from)}`,
    `To: ${cfg.to.map(header).join(', ')}`,
    `Subject: ${header(subject)}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${randomUUID()}@etl>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...body,
  ];
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n');
}

interface SmtpReply {
  code: number;
  text: string;
}

/** Plain SMTP (no TLS, no AUTH: a relay on the local network or localhost), one message, one connection. */
export async function sendSmtp(cfg: NonNullable<AlertsConfig['email']>, message: string): Promise<void> {
  const socket = createConnection({ host: cfg.host, port: cfg.port });
  socket.setEncoding('utf8');
  const replies: SmtpReply[] = [];
  const pending: string[] = [];
  let buffer = '';
  let failure: Error | null = null;
  let waiter: (() => void) | null = null;
  const wake = () => {
    const w = waiter;
    waiter = null;
    w?.();
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i).replace(/\r$/, '');
      buffer = buffer.slice(i + 1);
      pending.push(line);
      if (/^\d{3}(?: |$)/.test(line)) {
        replies.push({ code: Number(line.slice(0, 3)), text: oneLine(pending.join(' | '), 200) });
        pending.length = 0;
      }
    }
    wake();
  });
  socket.on('error', (err) => {
    failure ??= err;
    wake();
  });
  socket.on('close', () => {
    failure ??= new Error('connection closed by the server');
    wake();
  });
  const timer = setTimeout(() => {
    failure ??= new Error(`no answer within ${cfg.timeout_seconds} s`);
    socket.destroy();
    wake();
  }, Math.round(cfg.timeout_seconds * 1000));
  const next = () =>
    new Promise<SmtpReply>((resolve, reject) => {
      const attempt = () => {
        const r = replies.shift();
        if (r) resolve(r);
        else if (failure) reject(failure);
        else waiter = attempt;
      };
      attempt();
    });
  const command = async (line: string | null, accept: number[], what: string): Promise<SmtpReply> => {
    if (line !== null) socket.write(`${line}\r\n`);
    const r = await next();
    if (!accept.includes(r.code)) throw new Error(`SMTP ${what} refused: ${r.text}`);
    return r;
  };
  try {
    await command(null, [220], 'greeting');
    await command('EHLO etl.localhost', [250], 'EHLO').catch(() => command('HELO etl.localhost', [250], 'HELO'));
    await command(`MAIL FROM:<${cfg.from}>`, [250], 'MAIL FROM');
    for (const to of cfg.to) await command(`RCPT TO:<${to}>`, [250, 251], `RCPT TO ${to}`);
    await command('DATA', [354], 'DATA');
    await command(`${message}\r\n.`, [250], 'message');
    await command('QUIT', [221], 'QUIT').catch(() => undefined);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

/** Send the notice on every configured channel; never throws. */
export async function deliverAlerts(cfg: AlertsConfig | undefined, notice: RunNotice, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<Delivery[]> {
  if (!cfg) return [];
  const jobs: Promise<Delivery>[] = [];
  if (cfg.webhook) {
    const webhook = cfg.webhook;
    jobs.push(
      sendWebhook(webhook, webhookPayload(notice, cfg.max_alerts), env).then(
        (): Delivery => ({ channel: 'webhook', ok: true, error: null }),
        (err: unknown): Delivery => ({ channel: 'webhook', ok: false, error: errorText(err) }),
      ),
    );
  }
  if (cfg.email) {
    const email = cfg.email;
    const message = emailMessage(email, emailSubject(notice, email.subject_prefix), emailText(notice, cfg.max_alerts), new Date(notice.finishedAt));
    jobs.push(
      sendSmtp(email, message).then(
        (): Delivery => ({ channel: 'email', ok: true, error: null }),
        (err: unknown): Delivery => ({ channel: 'email', ok: false, error: errorText(err) }),
      ),
    );
  }
  const deliveries = await Promise.all(jobs);
  for (const d of deliveries) {
    if (d.ok) logger.info({ stage: 'alerts', channel: d.channel }, 'alert delivered');
    else logger.warn({ stage: 'alerts', channel: d.channel, error: d.error }, 'alert delivery failed (the run is not affected)');
  }
  return deliveries;
}

/** Add `deliveries` to a committed run record (output/_runs/<run_id>.json): write beside it, then rename. */
export async function recordDeliveries(recordPath: string, deliveries: readonly Delivery[]): Promise<void> {
  const record = JSON.parse(await readFile(recordPath, 'utf8')) as Record<string, unknown>;
  record['deliveries'] = deliveries;
  await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`);
}

/** reports/alerts.json of the run that just published, or null when absent or unreadable. */
export async function readAlerts(file: string): Promise<RunNotice['alerts']> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { count?: unknown; alerts?: unknown };
    if (!Array.isArray(parsed.alerts)) return null;
    return { count: typeof parsed.count === 'number' ? parsed.count : parsed.alerts.length, alerts: parsed.alerts as Record<string, unknown>[] };
  } catch {
    return null;
  }
}

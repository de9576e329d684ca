// Structured logs (pino) to stderr: JSON for machines, pretty on a TTY. Never console.log.
import { pino, type Logger } from 'pino';

export type { Logger };

export interface LogOptions {
  logLevel?: string;
  logFormat?: string;
}

export function createLogger(options: LogOptions = {}): Logger {
  const level = options.logLevel ?? 'info';
  const pretty = options.logFormat ? options.logFormat === 'pretty' : Boolean(process.stderr.isTTY);
  if (pretty) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: Boolean(process.stderr.isTTY), ignore: 'pid,hostname' } },
    });
  }
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });

// SIGTERM or SIGINT during `etl run` (a scheduler's timeout, `systemctl stop`, Ctrl-C): the run stops as a
// failed run stops. The statement DuckDB is running is interrupted and no other one starts (each fails
// with INTERRUPTED), so the run's own clean-up runs: staging, spill folder and state copy removed, locks
// released, nothing published (the previous output stands); then one line `INTERRUPTED: …` and exit 3.
// Once the commit has begun (the journal is in place) no statement is left to fail: the commit finishes.
// A second signal exits at once (128 + the signal's number); what that leaves, the next run recovers.
import { EtlError } from './errors.ts';

let received: NodeJS.Signals | undefined;
const listeners = new Set<() => void>();

/** The signal that asked the run to stop, if one has. */
export function interruptSignal(): NodeJS.Signals | undefined {
  return received;
}

/** Called once when a stop is asked (the engine interrupts its statements); returns the unsubscribe. */
export function onInterrupt(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function interruptedError(cause?: unknown): EtlError {
  return new EtlError('INTERRUPTED', `the run was stopped by ${received ?? 'a signal'} before it published; the previous output stands`, {
    hint: 'its staging, spill folder and locks were removed; run it again to publish',
    ...(cause ? { cause } : {}),
  });
}

/** Throws INTERRUPTED once a stop has been asked (between stages and before every statement). */
export function throwIfInterrupted(): void {
  if (received) throw interruptedError();
}

/** Ask the run to stop, as the signal does (the handler, and tests in one process). */
export function requestInterrupt(signal: NodeJS.Signals): void {
  if (received) return;
  received = signal;
  for (const fn of listeners) fn();
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

let installed = false;

/** `etl run` only: the other commands publish nothing and may die at once, as by default. Once per process. */
export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (received) process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
      process.stderr.write(`${signal}: stopping the run (a second ${signal} exits at once)\n`);
      requestInterrupt(signal);
    });
  }
}

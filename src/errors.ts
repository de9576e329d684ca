// One error type for everything the user can get wrong or the machine can break.
// Failed data checks are NOT errors: they are results (see checks/result.ts).

export type ErrorCode =
  | 'USAGE_INVALID'
  | 'CONFIG_INVALID'
  | 'CONTRACT_NOT_FOUND'
  | 'CONTRACT_YAML_INVALID'
  | 'CONTRACT_SCHEMA_INVALID'
  | 'CONTRACT_PROFILE_INVALID'
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_UNREADABLE'
  | 'SOURCE_HEADER_INVALID'
  | 'MODEL_INVALID'
  | 'ENGINE_QUERY_FAILED'
  | 'OUTPUT_LOCKED'
  | 'RUN_NOT_FOUND'
  | 'OUTPUT_UNSAFE'
  | 'OUTPUT_NOT_WRITABLE'
  | 'IO_FAILED'
  | 'DISK_FULL'
  | 'INTERRUPTED'
  | 'INTERNAL';

/** Exit codes of the public interface (README.md, "Exit codes"): 2 = invalid input, 3 = runtime failure. */
const EXIT_CODES: Record<ErrorCode, 2 | 3> = {
  USAGE_INVALID: 2,
  CONFIG_INVALID: 2,
  CONTRACT_NOT_FOUND: 2,
  CONTRACT_YAML_INVALID: 2,
  CONTRACT_SCHEMA_INVALID: 2,
  CONTRACT_PROFILE_INVALID: 2,
  SOURCE_NOT_FOUND: 2,
  SOURCE_UNREADABLE: 2,
  SOURCE_HEADER_INVALID: 2,
  MODEL_INVALID: 2,
  ENGINE_QUERY_FAILED: 3,
  OUTPUT_LOCKED: 2,
  RUN_NOT_FOUND: 2,
  OUTPUT_UNSAFE: 2,
  OUTPUT_NOT_WRITABLE: 2,
  IO_FAILED: 3,
  DISK_FULL: 3,
  INTERRUPTED: 3,
  INTERNAL: 3,
};

export const EXIT = { OK: 0, CHECKS_FAILED: 1, INVALID_INPUT: 2, RUNTIME: 3 } as const;

export interface SourceLocation {
  file: string;
  line?: number;
  col?: number;
}

export interface EtlErrorOptions {
  hint?: string;
  location?: SourceLocation;
  cause?: unknown;
}

export class EtlError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options: EtlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EtlError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
  }

  get exitCode(): 2 | 3 {
    return EXIT_CODES[this.code];
  }
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  return [loc.file, loc.line, loc.col].filter((p) => p !== undefined).join(':');
}

/** The one line (plus hint) the CLI prints for an error. */
export function formatError(err: EtlError): string {
  const where = formatLocation(err.location);
  const head = `${err.code}: ${err.message}${where ? ` (${where})` : ''}`;
  return err.hint ? `${head}\n  hint: ${err.hint}` : head;
}

/** Did this error (or what caused it) come from a full disk? Node says ENOSPC, DuckDB "No space left on device". */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return true;
    if (e instanceof Error && /ENOSPC|No space left on device/i.test(e.message)) return true;
  }
  return false;
}

/** A full disk while doing `what`: exit 3, a plain message, never "this is a bug". */
export function diskFullError(err: unknown, what: string): EtlError {
  return new EtlError('DISK_FULL', `ENOSPC: no space left on device while ${what}`, {
    hint: 'free some space (or point --out/--reports elsewhere) and run again; the previously published output is unchanged',
    cause: err,
  });
}

/** Anything thrown that is not an EtlError becomes one: a full disk DISK_FULL, another system call's
 * failure IO_FAILED, the rest INTERNAL (all exit 3). */
export function toEtlError(err: unknown): EtlError {
  if (err instanceof EtlError) return err;
  if (isDiskFull(err)) return diskFullError(err, 'writing');
  const message = err instanceof Error ? err.message : String(err);
  const sys = err as NodeJS.ErrnoException;
  if (typeof sys.code === 'string' && typeof sys.syscall === 'string') {
    return new EtlError('IO_FAILED', message.split('\n')[0] ?? message, {
      ...(sys.path ? { location: { file: sys.path } } : {}),
      hint: 'check the path, its permissions and free space',
      cause: err,
    });
  }
  return new EtlError('INTERNAL', message.split('\n')[0] ?? message, {
    hint: 'this is a bug or an environment problem; rerun with --debug for the stack trace',
    cause: err,
  });
}

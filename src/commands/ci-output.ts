// CI gate output for `etl run` and `etl validate`: with `--ci github` (or GITHUB_ACTIONS=true and no
// --ci), workflow annotations go to stdout before the usual summary, and the Markdown summary is
// appended to the file named by $GITHUB_STEP_SUMMARY. JUnit stays in reports/ as always.
import { appendFileSync } from 'node:fs';
import type { QualityReport } from '../checks/result.ts';
import { EtlError } from '../errors.ts';
import { escapeData, escapeProperty, renderGithubAnnotations, renderGithubSummary, workspacePath } from '../report/github.ts';

export type CiMode = 'github' | 'none';
const MODES: readonly CiMode[] = ['github', 'none'];

type Env = Record<string, string | undefined>;

export function resolveCiMode(option: string | undefined, env: Env = process.env): CiMode {
  if (option === undefined) return env['GITHUB_ACTIONS'] === 'true' ? 'github' : 'none';
  if ((MODES as readonly string[]).includes(option)) return option as CiMode;
  throw new EtlError('USAGE_INVALID', `unknown --ci provider '${option}'`, { hint: `use --ci ${MODES.join(' | ')}` });
}

function workspaceOf(env: Env): string {
  return env['GITHUB_WORKSPACE'] ?? process.cwd();
}

/** Annotations to `write` (stdout), the summary appended to $GITHUB_STEP_SUMMARY when it is set. */
export function emitCiReport(mode: CiMode, report: QualityReport, env: Env = process.env, write: (t: string) => void = (t) => process.stdout.write(t)): void {
  if (mode !== 'github') return;
  const workspace = workspaceOf(env);
  write(renderGithubAnnotations(report, workspace));
  const summaryFile = env['GITHUB_STEP_SUMMARY'];
  if (!summaryFile) return;
  try {
    appendFileSync(summaryFile, renderGithubSummary(report, workspace), 'utf8');
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot append the step summary to ${summaryFile}: ${(cause as Error).message}`, { hint: 'GITHUB_STEP_SUMMARY must name a writable file', location: { file: summaryFile }, cause });
  }
}

/** An error that stops the command, as an annotation on the file it names (then the CLI prints its line). */
export function emitCiError(mode: CiMode, err: unknown, env: Env = process.env, write: (t: string) => void = (t) => process.stdout.write(t)): void {
  if (mode !== 'github' || !(err instanceof EtlError)) return;
  const props: string[] = [];
  if (err.location?.file) props.push(`file=${escapeProperty(workspacePath(err.location.file, workspaceOf(env)))}`);
  if (err.location?.line !== undefined) props.push(`line=${err.location.line}`);
  props.push(`title=${escapeProperty(err.code)}`);
  const hint = err.hint ? ` (hint: ${err.hint})` : '';
  write(`::error ${props.join(',')}::${escapeData(`${err.message}${hint}`)}\n`);
}

// Writes the three renderings of one QualityReport into a reports directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QualityReport } from '../checks/result.ts';
import { EtlError } from '../errors.ts';
import { renderJunit } from './junit.ts';
import { renderQualityJson } from './quality-json.ts';
import { renderQualityText } from './quality-text.ts';

export const QUALITY_REPORT_FILES = {
  json: 'quality_report.json',
  text: 'quality_report.txt',
  junit: 'junit.xml',
} as const;

export async function writeQualityReports(report: QualityReport, dir: string): Promise<void> {
  const files: [string, string][] = [
    [QUALITY_REPORT_FILES.json, renderQualityJson(report)],
    [QUALITY_REPORT_FILES.text, renderQualityText(report)],
    [QUALITY_REPORT_FILES.junit, renderJunit(report)],
  ];
  try {
    await mkdir(dir, { recursive: true });
    await Promise.all(files.map(([name, text]) => writeFile(join(dir, name), text, 'utf8')));
  } catch (cause) {
    throw new EtlError('IO_FAILED', `cannot write the quality reports to ${dir}: ${(cause as Error).message}`, {
      hint: 'check that the reports directory is writable',
      location: { file: dir },
      cause,
    });
  }
}

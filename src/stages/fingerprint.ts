// Input fingerprints for the run record (and the run id): sha256 and size of every source file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface Fingerprint {
  file: string;
  bytes: number;
  sha256: string;
}

export async function fingerprintFile(file: string): Promise<Fingerprint> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return { file, bytes: (await stat(file)).size, sha256: hash.digest('hex') };
}

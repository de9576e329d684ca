// A FileProfile → the text of a draft ODCS v3.1 source contract (status: draft) that the file it was
// profiled from passes: logical types, required, unique / primary key, numeric bounds, valid values,
// format: email. Written with the `yaml` package (no YAML by hand).
import { relative, dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { FileProfile } from './profile-file.ts';

export interface DraftOptions {
  dataset: string;
  /** Where the draft will be written: the server path is made relative to it (default: cwd). */
  outFile?: string;
}

/** A name for a schema object: letters, digits and _ (what the etl profile accepts). */
export function datasetNameOf(file: string): string {
  const stem = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const name = stem.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
  return /^[A-Za-z_]/.test(name) ? name : `t_${name || 'data'}`;
}

function serverPath(file: string, outFile: string | undefined): string {
  const from = outFile ? dirname(resolve(outFile)) : process.cwd();
  const rel = relative(from, resolve(file));
  return rel.split('\\').join('/');
}

export function draftContract(profile: FileProfile, opts: DraftOptions): string {
  const { dataset } = opts;
  const keyed = new Set(profile.primaryKey);
  const properties = profile.columns.map((c) => {
    const p: Record<string, unknown> = { name: c.name, logicalType: c.logicalType };
    const notes: string[] = [`${c.nulls} null${c.nulls === 1 ? '' : 's'}, ${c.distinct} distinct value${c.distinct === 1 ? '' : 's'} in the profiled file.`];
    if (c.nonIsoDates) notes.push('Looks like dates in a non-ISO spelling: kept as text (etl reads ISO 8601 dates).');
    p['description'] = notes.join(' ');
    if (c.required) p['required'] = true;
    if (keyed.has(c.name)) {
      p['primaryKey'] = true;
      if (profile.primaryKey.length > 1) p['primaryKeyPosition'] = profile.primaryKey.indexOf(c.name) + 1;
    } else if (c.unique) p['unique'] = true;
    const options: Record<string, unknown> = {};
    if (c.minimum !== undefined) options['minimum'] = c.minimum;
    if (c.maximum !== undefined) options['maximum'] = c.maximum;
    if (c.email) options['format'] = 'email';
    if (Object.keys(options).length) p['logicalTypeOptions'] = options;
    if (c.validValues?.length) p['customProperties'] = [{ property: 'validValues', value: c.validValues }];
    return p;
  });
  const doc = {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: `${dataset}-source`,
    name: `${dataset} (source)`,
    version: '0.1.0',
    status: 'draft',
    description: {
      purpose: `Draft profiled by \`etl contracts init\` from ${profile.file.replace(/^.*[\\/]/, '')} (${profile.records} record${profile.records === 1 ? '' : 's'}${profile.malformed ? `, ${profile.malformed} malformed` : ''}): review every rule before use; bounds and valid values are the ones observed.`,
    },
    customProperties: [
      { property: 'dataset', value: dataset },
      { property: 'layer', value: 'source' },
    ],
    servers: [{ server: 'local', type: 'local', path: serverPath(profile.file, opts.outFile), format: profile.format }],
    schema: [{ name: dataset, physicalType: 'file', properties }],
  };
  return stringify(doc, { lineWidth: 0 });
}

// Contracts built directly in TS (no YAML loader), for the checks tests.
import type { Contract, Layer, LogicalType, Property, QualityRule, Relationship } from '../../../src/contracts/model.ts';

export function prop(name: string, logicalType: LogicalType = 'string', extra: Partial<Property> = {}): Property {
  return {
    name,
    logicalType,
    declaredType: { logicalType },
    required: false,
    unique: false,
    primaryKey: false,
    options: {},
    severity: 'error',
    quality: [],
    loc: { file: 'test.yaml', line: 1 },
    ...extra,
  };
}

export function contract(dataset: string, layer: Layer, properties: Property[], extra: Partial<Contract> = {}): Contract {
  return {
    file: `contracts/${dataset}.${layer}.yaml`,
    id: `${dataset}-${layer}`,
    version: '1.0.0',
    apiVersion: 'v3.1.0',
    dataset,
    layer,
    object: dataset,
    properties,
    primaryKey: [],
    relationships: [],
    quality: [],
    servers: [],
    loc: { file: `contracts/${dataset}.${layer}.yaml`, line: 1 },
    ...extra,
  };
}

export function fk(id: string, from: string[], toDataset: string, to: string[], severity: 'error' | 'warning' = 'error'): Relationship {
  return { id, from, toDataset, to, severity, loc: { file: 'test.yaml', line: 9 } };
}

export function rule<T extends QualityRule>(r: Omit<T, 'loc' | 'severity'> & { severity?: 'error' | 'warning' }): T {
  return { severity: 'error', loc: { file: 'test.yaml', line: 5 }, ...r } as unknown as T;
}

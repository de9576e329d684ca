// A minimal normalised Contract for unit tests of the validate helpers (no YAML, no loader).
import type { Contract, LogicalType, Property } from '../../../src/contracts/model.ts';

export function property(name: string, logicalType: LogicalType, extra: Partial<Property> = {}): Property {
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
    loc: { file: '/c/orders.yaml', line: 10 },
    ...extra,
  };
}

export function contract(extra: Partial<Contract> = {}): Contract {
  return {
    file: '/c/orders.yaml',
    id: 'orders',
    version: '1.0.0',
    apiVersion: 'v3.1.0',
    dataset: 'orders',
    layer: 'source',
    object: 'orders',
    properties: [property('order_id', 'integer'), property('email', 'string')],
    primaryKey: [],
    relationships: [],
    quality: [],
    servers: [],
    loc: { file: '/c/orders.yaml', line: 1 },
    ...extra,
  };
}

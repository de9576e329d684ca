// The contracts as the model binding (bind-models.ts) reads them: kept apart from the binding itself
// so that check-models.ts can key its cache on this view without loading the binding's modules.
import type { Contract, LogicalType } from '../contracts/model.ts';

/** What binding reads of a contract: nothing else of it can change a binding's problems, so
 * check-models.ts keys its cache on exactly this (an edit elsewhere, or of a gold contract, binds nothing). */
export interface BindContract {
  dataset: string;
  layer: Contract['layer'];
  file: string;
  loc: { line?: number | undefined };
  properties: { name: string; logicalType: LogicalType; required: boolean; primaryKey: boolean; loc: { line?: number | undefined } }[];
}

/** The source and silver contracts as binding reads them (gold contracts are not read). */
export function bindingView(contracts: readonly Contract[]): BindContract[] {
  return contracts
    .filter((c) => c.layer !== 'gold')
    .map((c) => ({
      dataset: c.dataset,
      layer: c.layer,
      file: c.file,
      loc: { line: c.loc.line },
      properties: c.properties.map((p) => ({ name: p.name, logicalType: p.logicalType, required: p.required, primaryKey: p.primaryKey, loc: { line: p.loc.line } })),
    }));
}

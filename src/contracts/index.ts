// Contracts: ODCS YAML → validated, normalised Contract model (model.ts). See load-contract.ts for the stages.
export { loadContractFile, loadContracts, loadContractsOrThrow, expandContractPaths, type LoadOptions } from './load-contract.ts';
export { formatProblem, hasErrors, sortProblems, type Problem, type ProblemCode } from './problem.ts';
export { buildRowRuleScope, buildAggregateScope, findDatasetContract, type ScopeRendering } from './expr-scope.ts';
export { toSeverity } from './severity.ts';
export * from './model.ts';

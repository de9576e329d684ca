#!/usr/bin/env node
// The `etl` executable: registers the TypeScript loader (tsx) and hands over to src/cli.ts.
// Shipping the sources and loading them through tsx keeps `npm ci && npx etl` free of a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv);

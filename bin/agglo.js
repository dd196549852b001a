#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import { main } from '../dist/engine/cli.js';

process.exitCode = await main(process.argv.slice(2));

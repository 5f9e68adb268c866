// `npm start` and `npm run migrate`: the CLI (dist/cli/main.js, with the same arguments), built
// first when dist/ is missing or stale (build-if-stale.mjs). In this process: a second node
// process would cost a start of its own.
import { buildIfStale } from './build-if-stale.mjs';

const status = buildIfStale();
if (status === 0) await import('../dist/cli/main.js');
else process.exitCode = status;

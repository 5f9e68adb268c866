// The last step of `npm run build`: a PGlite data directory with every migration applied, which a
// new data directory is loaded from instead of running initdb and the migrations
// (src/storage/connection/pglite-template.ts). Then the stamp that scripts/build-if-stale.mjs
// compares with the sources: written last, so a build that failed on the way is done again.
import { writeFileSync } from 'node:fs';
import { makePgliteTemplate } from '../dist/storage/connection/pglite.js';

await makePgliteTemplate();
writeFileSync(new URL('../dist/.build-stamp', import.meta.url), `${new Date().toISOString()}\n`);

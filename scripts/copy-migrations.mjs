// tsc copies no .sql files: put the migrations beside the compiled migrator, replacing what an
// earlier build left there (a stale migration would be applied, or refused as a duplicate number).
import { cpSync, rmSync } from 'node:fs';

const target = new URL('../dist/storage/migrations/', import.meta.url);
rmSync(target, { recursive: true, force: true });
cpSync(new URL('../src/storage/migrations/', import.meta.url), target, { recursive: true });

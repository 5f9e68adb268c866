// tsc copies no .sql files: put the migrations beside the compiled migrator.
import { cpSync } from 'node:fs';

cpSync(
  new URL('../src/storage/migrations/', import.meta.url),
  new URL('../dist/storage/migrations/', import.meta.url),
  {
    recursive: true,
  },
);

import { cpSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationsDigest } from './migrator.js';

/**
 * A PGlite cluster already initialised and migrated, made by `npm run build`
 * (scripts/make-pglite-template.mjs) beside the compiled migrations: `pgdata/`, and
 * `template.json` with the digest of the migrations it was made from. A new data directory is a
 * copy of it (39 MB, a fraction of a second) instead of PGlite's initdb (seconds, and two PGlite
 * instances at once: about 850 MB) followed by every migration. One made from other migrations is
 * not used. Run from the sources (tsx) there is none, and initdb runs.
 */
export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('../pglite-template/', import.meta.url));

interface Manifest {
  migrations: string;
}

export type TemplateLookup = { found: true; copyTo(pgdata: string): void } | { found: false; reason: string };

/** The template in `dir`, when there is one made from exactly the migrations this code applies. */
export async function findPgliteTemplate(dir: string): Promise<TemplateLookup> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'template.json'), 'utf8')) as Manifest;
  } catch {
    return { found: false, reason: 'there is no pre-migrated template (npm run build makes one)' };
  }
  if (manifest.migrations !== (await migrationsDigest())) {
    return {
      found: false,
      reason: 'the pre-migrated template was made from other migrations (npm run build makes it again)',
    };
  }
  return { found: true, copyTo: (pgdata) => cpSync(join(dir, 'pgdata'), pgdata, { recursive: true }) };
}

/**
 * Empties `dir` and returns where the template's cluster is to be made. Its manifest comes last
 * (`recordPgliteTemplate`), so that a build that fails halfway leaves no template in use.
 */
export async function prepareTemplateDir(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return join(dir, 'pgdata');
}

/** Marks the cluster in `dir`, closed after every migration, as the template. */
export async function recordPgliteTemplate(dir: string): Promise<void> {
  const manifest: Manifest = { migrations: await migrationsDigest() };
  await writeFile(join(dir, 'template.json'), `${JSON.stringify(manifest)}\n`);
}

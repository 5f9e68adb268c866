import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestEngine } from '../src/testing/create-test-engine.js';
import { PROJECT_ROOT } from './helpers/cli.js';

// What the documentation says about the repository that a test can hold it to; the README's
// tours themselves are run by readme.test.ts.

const PAGES = [
  'README.md',
  'DEVELOPERS.md',
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const read = (page: string) => readFileSync(join(PROJECT_ROOT, page), 'utf8');

describe('the documentation', () => {
  it('links only to files the repository holds', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      const text = read(page);
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const path = join(PROJECT_ROOT, dirname(page), target!.split('#')[0]!);
        if (!existsSync(path)) broken.push(`${page} links to ${target}`);
      }
      for (const [mention] of text.matchAll(/\.\.\/shared\/[\w.-]+/g)) {
        broken.push(`${page} names ${mention}, outside the repository`);
      }
      for (const [mention] of text.matchAll(
        /`((?:docs|src|test|bench|scripts)\/[\w./-]+\.(?:md|ts|mjs))`/g,
      )) {
        const path = join(PROJECT_ROOT, mention.slice(1, -1));
        if (!existsSync(path))
          broken.push(`${page} names ${relative(PROJECT_ROOT, path)}, which does not exist`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('calls the engine on its default port with the key the README exports ($OVERTURE_KEY)', () => {
    const wrong: string[] = [];
    for (const page of PAGES) {
      const text = read(page);
      for (const [port] of text.matchAll(/localhost:\d+/g)) {
        // 11434: Ollama's port, in the README's language-model example
        if (port !== 'localhost:8787' && port !== 'localhost:11434') wrong.push(`${page}: ${port}`);
      }
      for (const [bearer] of text.matchAll(/Bearer \$\w+/g)) {
        if (bearer !== 'Bearer $OVERTURE_KEY') wrong.push(`${page}: ${bearer}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has the licence package.json names', () => {
    expect(JSON.parse(read('package.json')).license).toBe('MIT');
    const licence = read('LICENSE');
    expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) 2026 The Overture authors\n/);
    expect(licence).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('counts the built-in triggers as the engine registers them', async () => {
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    const said = read('README.md')
      .match(/(\w+) built-in triggers are registered/)?.[1]
      ?.toLowerCase();
    const { engine } = await createTestEngine();
    try {
      const { triggers } = await engine.forTenant('default').listTriggers();
      const builtin = triggers.filter((trigger: { builtin: boolean }) => trigger.builtin);
      expect(builtin.length).toBeGreaterThan(0);
      expect(said).toBe(words[builtin.length]);
    } finally {
      await engine.close();
    }
  }, 180_000); // PGlite's initdb: seconds, minutes on a loaded machine

  it("accepts docs/FUNNELS.md's example funnels as they are, and their trigger", async () => {
    const examples = [...read('docs/FUNNELS.md').matchAll(/```json\n([\s\S]*?)\n```/g)]
      .map(([, body]) => JSON.parse(body!))
      .filter((doc) => typeof doc.funnelId === 'string');
    expect(examples.map((f) => f.funnelId)).toEqual(['plan-weekend', 'standup']);
    const trigger = /`(\{"name": "Standup".*?\})`/.exec(read('docs/FUNNELS.md'))![1]!;
    const { engine } = await createTestEngine();
    try {
      const tenant = engine.forTenant('default');
      for (const funnel of examples) expect((await tenant.createFunnel(funnel)).version).toBe(1);
      expect((await tenant.createTrigger(JSON.parse(trigger))).funnel).toEqual({
        select: 'named',
        funnelId: 'standup',
      });
    } finally {
      await engine.close();
    }
  }, 180_000);
});

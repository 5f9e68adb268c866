import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderActivitySvg } from './activity-svg.js';

/** An evening user with a weekend lie-in, as probabilities summing to 1. */
function eveningHeatmap(): number[][] {
  const raw = Array.from({ length: 7 }, (_, day) =>
    Array.from({ length: 24 }, (_, hour) => {
      const weekend = day >= 5;
      if (hour >= 19 && hour <= 22) return 10;
      if (weekend && hour >= 11 && hour <= 16) return 4;
      if (!weekend && hour >= 7 && hour <= 17) return 1;
      return 0.2;
    }),
  );
  const total = raw.flat().reduce((a, b) => a + b, 0);
  return raw.map((row) => row.map((v) => v / total));
}

const base = {
  userId: 'tg:4821',
  heatmap: eveningHeatmap(),
  timezone: 'Europe/Berlin',
  timezoneSource: 'explicit' as const,
  confidence: 0.82,
};

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/**
 * A strict reader for the XML this renderer writes (elements, attributes in double quotes, text,
 * the XML declaration; no comments, CDATA or DTD). Throws on anything not well-formed: unbalanced
 * or crossed tags, a raw `<` or `&` that is not an entity, a repeated attribute, text outside the root.
 */
function parseXml(xml: string): Element {
  const entity = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  const checkText = (text: string, where: number) => {
    for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
      entity.lastIndex = i;
      if (!entity.test(text)) throw new Error(`bare & at ${where + i}`);
    }
    if (text.includes('<')) throw new Error(`bare < at ${where}`);
  };
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/y;
  let pos = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  while (pos < xml.length) {
    const next = xml.indexOf('<', pos);
    const text = xml.slice(pos, next < 0 ? xml.length : next);
    checkText(text, pos);
    stack.at(-1)!.text += text;
    if (stack.length === 1 && text.trim() !== '') throw new Error(`text outside the root at ${pos}`);
    if (next < 0) break;
    tag.lastIndex = next;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at ${next}: ${xml.slice(next, next + 40)}`);
    const [, closing, name, attrs, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      const open = stack.pop()!;
      if (open.name !== name || stack.length === 0) throw new Error(`</${name}> closes <${open.name}>`);
    } else {
      const attributes: Record<string, string> = {};
      for (const [, key, value] of attrs.matchAll(/([\w:.-]+)="([^"]*)"/g) as Iterable<
        [string, string, string]
      >) {
        if (key in attributes) throw new Error(`repeated attribute ${key} on <${name}>`);
        checkText(value, next);
        attributes[key] = value;
      }
      const element: Element = { name, attributes, children: [], text: '' };
      stack.at(-1)!.children.push(element);
      if (stack.length === 1 && root.children.length > 1) throw new Error('more than one root element');
      if (!selfClosing) stack.push(element);
    }
    pos = tag.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0]!;
}

function all(element: Element, predicate: (e: Element) => boolean): Element[] {
  return [...(predicate(element) ? [element] : []), ...element.children.flatMap((c) => all(c, predicate))];
}

const decode = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|apos);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!,
  );

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const cellsOf = (svg: Element) => all(svg, (e) => e.name === 'rect' && e.attributes.class === 'cell');
const textsOf = (svg: Element) => all(svg, (e) => e.name === 'text').map((e) => decode(e.text));

describe('activity heatmap SVG', () => {
  it('is a well-formed standalone SVG document with its size and view box', () => {
    const svg = parseXml(renderActivitySvg(base));
    expect(svg.name).toBe('svg');
    expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    const { width, height, viewBox } = svg.attributes;
    expect(Number(width)).toBeGreaterThan(0);
    expect(Number(height)).toBeGreaterThan(0);
    expect(viewBox).toBe(`0 0 ${width} ${height}`);
  });

  it('draws one cell per hour of the week, Monday 00:00 first, in a 7 x 24 grid', () => {
    const cells = cellsOf(parseXml(renderActivitySvg(base)));
    expect(cells).toHaveLength(168);
    const xs = new Set(cells.map((c) => c.attributes.x));
    const ys = new Set(cells.map((c) => c.attributes.y));
    expect([xs.size, ys.size]).toEqual([24, 7]);
    expect(decode(cells[0]!.children[0]!.text)).toMatch(/^Mon 00:00-01:00/);
    expect(decode(cells[167]!.children[0]!.text)).toMatch(/^Sun 23:00-00:00/);
  });

  it('labels the days, the hours every three hours, the user, the zone, its source and the confidence', () => {
    const texts = textsOf(parseXml(renderActivitySvg({ ...base, timezoneSource: 'inferred' })));
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']) expect(texts).toContain(day);
    for (const hour of ['00', '03', '06', '09', '12', '15', '18', '21']) expect(texts).toContain(hour);
    expect(texts.join('\n')).toContain('Activity of tg:4821');
    expect(texts.join('\n')).toMatch(/Europe\/Berlin \(zone inferred from activity\) · confidence 82%/);
  });

  it('shows an Etc zone with the sign people expect and warns when evidence is thin', () => {
    const texts = textsOf(parseXml(renderActivitySvg({ ...base, timezone: 'Etc/GMT-2', confidence: 0.1 })));
    expect(texts.join('\n')).toContain('UTC+2 (Etc/GMT-2)');
    expect(texts.join('\n')).toContain("mostly the population's hours");
  });

  it('escapes a hostile user id and zone name into text, never markup', () => {
    const hostile = `<script>&"'`;
    const out = renderActivitySvg({ ...base, userId: hostile, timezone: `Evil/"><script>` });
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;&amp;&quot;&apos;');
    const svg = parseXml(out);
    expect(all(svg, (e) => e.name === 'script')).toHaveLength(0);
    expect(textsOf(svg).join('\n')).toContain(`Activity of ${hostile}`);
    expect(textsOf(svg).join('\n')).toContain(`Evil/"><script>`);
  });

  it('never draws a busier hour lighter, over every colour of the ramp', () => {
    // two maps whose busiest cell is 1 cover all 256 steps of the ramp, k / 255 for k = 0..255
    const levels = [
      [...Array.from({ length: 167 }, (_, k) => k), 255],
      [0, ...Array.from({ length: 167 }, (_, k) => 89 + k)],
    ];
    const byLevel = new Map<number, string>();
    for (const ks of levels) {
      const heatmap = Array.from({ length: 7 }, (_, d) => ks.slice(d * 24, d * 24 + 24).map((k) => k / 255));
      cellsOf(parseXml(renderActivitySvg({ ...base, heatmap }))).forEach((c, i) => {
        byLevel.set(ks[i]!, c.attributes.fill!);
      });
    }
    expect(byLevel.size).toBe(256);
    const lum = Array.from({ length: 256 }, (_, k) => luminance(byLevel.get(k)!));
    for (let k = 1; k < 256; k++) expect(lum[k]!).toBeLessThan(lum[k - 1]!);
    expect(lum[0]! - lum[255]!).toBeGreaterThan(0.9); // near white to near black
  });

  it('orders colours by probability for any heatmap', () => {
    const heatmap = fc.array(
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 24, maxLength: 24 }),
      {
        minLength: 7,
        maxLength: 7,
      },
    );
    fc.assert(
      fc.property(heatmap, (map) => {
        const lum = cellsOf(parseXml(renderActivitySvg({ ...base, heatmap: map }))).map((c) =>
          luminance(c.attributes.fill!),
        );
        const values = map.flat();
        const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
        for (let k = 1; k < order.length; k++) {
          expect(lum[order[k]!]!).toBeLessThanOrEqual(lum[order[k - 1]!]!);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('outlines the best hours and the current hour', () => {
    const svg = parseXml(
      renderActivitySvg({
        ...base,
        bestHours: [
          { day: 'Tuesday', hour: 21 },
          { day: 'Sat', hour: 20 },
        ],
        now: { day: 'Wednesday', hour: 14 },
      }),
    );
    const cell = (day: number, hour: number) => cellsOf(svg)[day * 24 + hour]!.attributes;
    const best = all(svg, (e) => e.attributes.class === 'best');
    expect(best).toHaveLength(2);
    expect(Number(best[0]!.attributes.x)).toBeCloseTo(Number(cell(1, 21).x) + 1.5);
    expect(Number(best[1]!.attributes.y)).toBeCloseTo(Number(cell(5, 20).y) + 1.5);
    const now = all(svg, (e) => e.attributes.class === 'now');
    expect(now).toHaveLength(1);
    expect(Number(now[0]!.attributes.x)).toBeCloseTo(Number(cell(2, 14).x) - 1.5);
    expect(textsOf(svg)).toEqual(expect.arrayContaining(['best hours', 'now']));
  });

  it('names the field of a heatmap or hour it cannot draw', () => {
    expect(() => renderActivitySvg({ ...base, heatmap: base.heatmap.slice(1) })).toThrow(
      /heatmap must be 7 rows/,
    );
    expect(() => renderActivitySvg({ ...base, heatmap: [...base.heatmap.slice(1), [Number.NaN]] })).toThrow(
      /heatmap/,
    );
    expect(() => renderActivitySvg({ ...base, bestHours: [{ day: 'Funday', hour: 3 }] })).toThrow(
      /bestHours\[0\]\.day/,
    );
    expect(() => renderActivitySvg({ ...base, now: { day: 'Monday', hour: 24 } })).toThrow(/now\.hour/);
  });

  it('draws an empty heatmap in the lightest colour instead of failing', () => {
    const heatmap = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    const fills = new Set(
      cellsOf(parseXml(renderActivitySvg({ ...base, heatmap }))).map((c) => c.attributes.fill),
    );
    expect(fills.size).toBe(1);
  });
});

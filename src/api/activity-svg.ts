import type { ZoneSource } from '../domain/activity/zone-inference.js';
import { DAY_NAMES } from '../domain/shared/local-time.js';

interface ActivitySvgInput {
  userId: string;
  /** 7 rows (Monday first) of 24 local hours; any non-negative scale, usually probabilities. */
  heatmap: number[][];
  timezone: string;
  timezoneSource: ZoneSource;
  /** Trust in the heatmap, in [0, 1]. */
  confidence: number;
  /** Days as full English names (`Tuesday`, as the activity API gives them) or `Tue`. */
  bestHours?: { day: string; hour: number }[];
  now?: { day: string; hour: number };
}

/**
 * YlGnBu from ColorBrewer (safe for the common colour-vision deficiencies and in grey scale):
 * lightness falls steadily from the first stop to the last, so darker always means busier.
 */
const RAMP = [
  '#ffffd9',
  '#edf8b1',
  '#c7e9b4',
  '#7fcdbb',
  '#41b6c4',
  '#1d91c0',
  '#225ea8',
  '#253494',
  '#081d58',
];
const BEST = '#e66101'; // orange: stands out on both ends of the blue-green ramp
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const SOURCE: Record<ZoneSource, string> = {
  explicit: 'zone set by the bot',
  inferred: 'zone inferred from activity',
  default: "default zone: the user's is not known yet",
};

const CELL = 26;
const LEFT = 52;
const TOP = 90;
const WEEKEND_GAP = 6;
const WIDTH = LEFT + 24 * CELL + 24;
const GRID_BOTTOM = TOP + 7 * CELL + WEEKEND_GAP;
const HEIGHT = GRID_BOTTOM + 64;

/**
 * The week's heatmap as a standalone SVG document: days down, local hours across, darker cells
 * for busier hours relative to the busiest, best hours outlined in orange, the current hour in
 * black. Every piece of text is escaped.
 *
 * @example renderActivitySvg({ userId: 'u1', heatmap: heatmapOf(dist), timezone: 'Europe/Berlin',
 *   timezoneSource: 'explicit', confidence: 0.8 })
 */
export function renderActivitySvg(input: ActivitySvgInput): string {
  const heatmap = checkedHeatmap(input.heatmap);
  const max = Math.max(...heatmap.flat());
  const total = heatmap.flat().reduce((a, b) => a + b, 0);
  const best = (input.bestHours ?? []).map((b, i) => cellOf(b, `bestHours[${i}]`));
  const now = input.now ? cellOf(input.now, 'now') : undefined;
  const confidence = Math.round(100 * Math.min(1, Math.max(0, input.confidence)));
  const subtitle = `Local time in ${zoneLabel(input.timezone)} (${SOURCE[input.timezoneSource]}) · confidence ${confidence}%`;
  const caveat =
    input.confidence < 0.3 ? "Little evidence yet: these are mostly the population's hours." : '';

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" font-family="${FONT}">`,
    `<title>${escapeXml(`Activity of ${input.userId}: ${subtitle}. ${caveat}`.trim())}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" font-size="16" font-weight="600" fill="#111111">Activity of ${escapeXml(truncate(input.userId, 44))}</text>`,
    `<text x="${LEFT}" y="44" font-size="12" fill="#444444">${escapeXml(subtitle)}</text>`,
  ];
  if (caveat) out.push(`<text x="${LEFT}" y="61" font-size="12" fill="#9a3412">${escapeXml(caveat)}</text>`);
  for (let hour = 0; hour < 24; hour += 3) {
    out.push(
      `<text x="${LEFT + hour * CELL + CELL / 2}" y="${TOP - 8}" font-size="11" fill="#333333" text-anchor="middle">${pad(hour)}</text>`,
    );
  }
  heatmap.forEach((row, day) => {
    out.push(
      `<text x="${LEFT - 8}" y="${rowY(day) + CELL / 2 + 4}" font-size="12" fill="#333333" text-anchor="end">${DAY_NAMES[day]!.slice(0, 3)}</text>`,
    );
    row.forEach((value, hour) => {
      const relative = max > 0 ? value / max : 0;
      const share = total > 0 ? value / total : 0;
      const label = `${DAY_NAMES[day]!.slice(0, 3)} ${pad(hour)}:00-${pad((hour + 1) % 24)}:00: ${(100 * share).toFixed(1)}% of the week, ${Math.round(100 * relative)}% of the busiest hour`;
      out.push(
        `<rect class="cell" x="${LEFT + hour * CELL + 1}" y="${rowY(day) + 1}" width="${CELL - 2}" height="${CELL - 2}" fill="${rampColour(relative)}"><title>${label}</title></rect>`,
      );
    });
  });
  for (const [day, hour] of best) {
    out.push(
      `<rect class="best" x="${LEFT + hour * CELL + 2.5}" y="${rowY(day) + 2.5}" width="${CELL - 5}" height="${CELL - 5}" fill="none" stroke="${BEST}" stroke-width="3"/>`,
    );
  }
  if (now) {
    const [day, hour] = now;
    // black on a white halo: visible on the lightest and on the darkest cell
    const box = `x="${LEFT + hour * CELL - 0.5}" y="${rowY(day) - 0.5}" width="${CELL + 1}" height="${CELL + 1}" fill="none"`;
    out.push(
      `<rect class="now" ${box} stroke="#ffffff" stroke-width="5"/>`,
      `<rect ${box} stroke="#000000" stroke-width="2.5"/>`,
    );
  }
  out.push(...legend(best.length > 0, now !== undefined), '</svg>');
  return `${out.join('\n')}\n`;
}

function legend(showBest: boolean, showNow: boolean): string[] {
  const y = GRID_BOTTOM + 22;
  const barWidth = 150;
  const stops = RAMP.map(
    (c, i) => `<stop offset="${((100 * i) / (RAMP.length - 1)).toFixed(1)}%" stop-color="${c}"/>`,
  );
  const out = [
    `<defs><linearGradient id="ramp">${stops.join('')}</linearGradient></defs>`,
    `<text x="${LEFT}" y="${y + 9}" font-size="11" fill="#333333">quiet</text>`,
    `<rect x="${LEFT + 34}" y="${y}" width="${barWidth}" height="12" fill="url(#ramp)" stroke="#999999" stroke-width="0.5"/>`,
    `<text x="${LEFT + 40 + barWidth}" y="${y + 9}" font-size="11" fill="#333333">busiest hour</text>`,
    `<text x="${LEFT}" y="${y + 30}" font-size="11" fill="#666666">Colour: activity in that local hour relative to the user's busiest hour of the week.</text>`,
  ];
  let x = LEFT + barWidth + 130;
  if (showBest) {
    out.push(
      `<rect x="${x}" y="${y - 1}" width="14" height="14" fill="#ffffff" stroke="${BEST}" stroke-width="3"/>`,
      `<text x="${x + 20}" y="${y + 10}" font-size="11" fill="#333333">best hours</text>`,
    );
    x += 100;
  }
  if (showNow) {
    out.push(
      `<rect x="${x}" y="${y - 1}" width="14" height="14" fill="#ffffff" stroke="#000000" stroke-width="2.5"/>`,
      `<text x="${x + 20}" y="${y + 10}" font-size="11" fill="#333333">now</text>`,
    );
  }
  return out;
}

/**
 * The ramp in 256 steps, interpolated between its stops in sRGB: fine enough to look continuous,
 * and coarse enough that rounding to whole channel values never makes a step lighter than the one
 * before (the red channel rises a little between some stops; the test checks every step).
 */
const STEPS: readonly string[] = Array.from({ length: 256 }, (_, k) => {
  const x = (k / 255) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const [a, b] = [rgb(RAMP[i]!), rgb(RAMP[i + 1]!)];
  return `#${a
    .map((v, c) =>
      Math.round(v + (b[c]! - v) * (x - i))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
});

function rampColour(t: number): string {
  return STEPS[Math.round(Math.min(1, Math.max(0, t)) * 255)]!;
}

/** Text for XML content and attribute values. */
function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** `Etc/GMT-2` means UTC+2 (the Etc names invert the sign), so inferred zones are shown as both. */
function zoneLabel(zone: string): string {
  const etc = /^Etc\/GMT([+-])(\d{1,2})$/.exec(zone);
  return etc ? `UTC${etc[1] === '-' ? '+' : '-'}${etc[2]} (${zone})` : zone;
}

function checkedHeatmap(heatmap: number[][]): number[][] {
  const ok =
    heatmap.length === 7 &&
    heatmap.every((row) => row.length === 24 && row.every((v) => Number.isFinite(v) && v >= 0));
  if (!ok) throw new RangeError('heatmap must be 7 rows (Monday first) of 24 finite, non-negative numbers');
  return heatmap;
}

function cellOf(at: { day: string; hour: number }, field: string): [number, number] {
  const day = DAY_NAMES.findIndex(
    (name) =>
      name.toLowerCase() === at.day.toLowerCase() || name.slice(0, 3).toLowerCase() === at.day.toLowerCase(),
  );
  if (day < 0) throw new RangeError(`${field}.day must be a day of the week, e.g. Monday or Mon`);
  if (!Number.isInteger(at.hour) || at.hour < 0 || at.hour > 23) {
    throw new RangeError(`${field}.hour must be an integer from 0 to 23`);
  }
  return [day, at.hour];
}

/** Top of a day's row; Saturday and Sunday sit a little apart from the working week. */
function rowY(day: number): number {
  return TOP + day * CELL + (day >= 5 ? WEEKEND_GAP : 0);
}

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text); // code points, so a surrogate pair is never split
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

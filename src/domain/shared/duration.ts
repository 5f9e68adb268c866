const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Milliseconds of an ISO 8601 duration made of weeks, days, hours, minutes and seconds
 * ("P1D", "PT12H", "P1DT6H"), or undefined. Years and months are refused: their length depends
 * on the calendar, and a window must be exact.
 */
export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, m, s] = match.map((x) => Number(x ?? 0));
  return ((((w! * 7 + d!) * 24 + h!) * 60 + m!) * 60 + s!) * 1000;
}

/**
 * The canonical name of an IANA time zone ("europe/berlin" → "Europe/Berlin"), or undefined when
 * the runtime's zone data does not know it. Offsets such as "+02:00" are refused: a fixed offset
 * ignores daylight saving time, and every local-time rule in Overture must follow it.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.length === 0 || name.length > 64 || /^[+-]\d/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The canonical BCP 47 tag of a locale ("en-us" → "en-US"), or undefined when it is not one. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical;
  } catch {
    return undefined;
  }
}

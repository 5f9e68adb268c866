/**
 * The IANA time zone name to store for `name`, or undefined when the runtime's zone data does
 * not know it. The caller's spelling is kept ("Asia/Kolkata" stays, although Node's ICU calls it
 * by its older link name "Asia/Calcutta"); only letter case is corrected when the runtime's name
 * differs by case alone ("europe/berlin" → "Europe/Berlin"). Offsets such as "+02:00" are
 * refused: a fixed offset ignores daylight saving time, which every local-time rule must follow.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.length === 0 || name.length > 64 || /^[+-]\d/.test(name)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
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

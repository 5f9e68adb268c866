/**
 * Quoted speech is someone else's words ("my boss said 'stop texting at work' lol"): it is blanked
 * before matching. A single quote counts only after a space, so "don't" is never the start of a
 * quotation, and an apostrophe between letters inside one does not end it ('arrêtez d'écrire').
 */
const QUOTED =
  /"[^"]*"|“[^”]*”|„[^“”]*[“”]|«[^»]*»|(?<=^|\s)['‘](?:[^'‘’]|(?<=\p{L})['’](?=\p{L}))+['’](?=$|[\s.,!?;:])/gu;
const APOSTROPHES = /[’‘`´]/g;
const NOT_ASCII = /[\u0080-\uffff]/;
const MARKS = /\p{M}/gu;
/**
 * Letters repeated three times or more are written once: "stooop" is "stop", "dejaaa" is "deja".
 * Not k, whose run "kkkk" is Portuguese laughter, nor z ("zzz").
 */
const REPEATS = /([a-jl-y])\1{2,}/g;

/**
 * The form the lexicons are written for: quotations blanked, lower case, one apostrophe, accents
 * removed ("Arrête" → "arrete", "hör" → "hor", "não" → "nao"), elongations shortened. The accent
 * pass runs only on text that is not plain ASCII, which most English replies are.
 */
export function normalizeReply(text: string): string {
  let t = text.replace(QUOTED, ' ').toLowerCase().replace(APOSTROPHES, "'");
  if (NOT_ASCII.test(t)) t = t.normalize('NFD').replace(MARKS, '');
  return t.replace(REPEATS, '$1');
}

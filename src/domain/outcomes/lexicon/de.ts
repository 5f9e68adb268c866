import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "write to me": "schreiben", "anschreiben", "melden", "nerven", "zuspammen". */
const WRITE = String.raw`(?:schreib|anschreib|nachricht|meld|kontaktier|nerv|zuspam|spam)\p{L}*`;
/** "hör", "hoer", "hört" (accents are removed before matching). */
const HEAR = 'h(?:o|oe)r(?:t)?';

/** German cues. */
export const de: Lexicon = {
  lang: 'de',
  stop: [
    String.raw`${HEAR}\s+(?:(?:bitte|endlich|mal|doch|jetzt)\s+)*auf,?\s+(?:(?:mir|mich|bitte)\s+)*(?:zu\s+)?${WRITE}`,
    String.raw`aufh(?:o|oe)ren,?\s+(?:(?:mir|mich)\s+)*(?:zu\s+)?${WRITE}`,
    String.raw`lass(?:t)?\s+mich\s+(?:\p{L}+\s+)?(?:in ruhe|zufrieden)`,
    String.raw`schreib\p{L}*\s+(?:mir|mich)\s+(?:bitte\s+)?(?:nicht|nie|nimmer)(?:\s+(?:mehr|wieder|zuerst))*`,
    String.raw`nicht mehr (?:zuerst\s+)?${WRITE}|keine?r? von euch(?:\s+\p{L}+){0,4}\s+${WRITE}`,
    String.raw`keine (?:\p{L}+\s+)?nachrichten mehr|will keine nachrichten|melde? mich ab|abmelden|abbestellen|verschwinde|verpiss dich|hau ab|geh weg`,
    alone(String.raw`(?:bitte\s+)?(?:aufh(?:o|oe)ren|${HEAR} auf|stopp?|lass das|schluss(?: jetzt)?)`),
  ],
  stopNegators: 'nicht|nie|niemals|sagte|sagt|meinte',
  stopAll: [
    String.raw`ihr alle|alle von euch|euch allen|keine?r? von euch|ihr bots|alle (?:\p{L}+\s+)?bots|jede[rnms]? (?:\p{L}+\s+)?bots?`,
  ],
  stopTimeQualifiers: [
    'wahrend (?:der|des) (?:arbeit|schule|unterrichts|meetings?)|bei der arbeit|auf der arbeit|nachts|in der nacht|morgens|so fruh|so spat|im unterricht',
  ],
  wrongTime: [
    String.raw`es ist (?:erst |schon )?\d{1,2}(?:[:.]\d\d)?\s*uhr|mitten in der nacht|um diese (?:uhrzeit|zeit)|(?:so|zu|viel zu) (?:fruh|spat)`,
    String.raw`(?:ich bin|bin|ich sitze|sitze)\s+(?:\p{L}+\s+)?(?:auf der arbeit|bei der arbeit|auf arbeit|im buro|im meeting|in einem meeting|in der schule|in der uni|im unterricht|in der vorlesung|am fahren|am arbeiten|im bett)`,
    String.raw`hast mich (?:\p{L}+\s+)?geweckt|(?:hab|habe) (?:\p{L}+\s+)?geschlafen|ich schlafe|fahre (?:gerade|grad)`,
  ],
  annoyed: [
    String.raw`(?:warum|wieso|weshalb) schreibst du (?:mir )?(?:\p{L}+\s+)?(?:standig|dauernd|immer|so oft|schon wieder)`,
    'du nervst|nervig|nervt|anstrengend|aufdringlich|anhanglich|nicht schon wieder|schon wieder (?:eine?n? |ne )?nachricht|was willst du',
    String.raw`zu viele nachrichten|gerade erst (?:geredet|geschrieben|gesprochen)|(?:zweite|dritte|vierte|funfte|zehnte|\d+\.?) nachricht heute`,
  ],
  notNow: [
    'jetzt nicht|grade? nicht|nicht jetzt|spater|keine zeit|beschaftigt|(?:ein )?andermal|keinen kopf|nein danke|einen moment|^gleich|melde? mich (?:spater|nachher)|nachher',
  ],
  negators: 'nicht|nie|kein|war|waren',
  invite: [
    String.raw`erzahl\p{L}*|was gibt'?s|wie geht'?s|wie war dein|schiess los|leg los|ich hab (?:\p{L}+\s+)?zeit|kann reden`,
  ],
  engaged: [
    String.raw`haha\p{L}*|hehe|lol|gerne|toll|super|cool|geil|schon von dir|lieb|danke!|freu\p{L}*|wahnsinn|krass|genau|wow|juhu`,
    `${HEAR} nicht auf|nie aufh(?:o|oe)ren|nicht aufh(?:o|oe)ren`,
  ],
  neutral: ['was passiert,? wenn'],
  negative: [String.raw`nerv\p{L}*|blod|doof|mude|hasse|genervt|leider`],
};

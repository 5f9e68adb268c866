import { alone, type Lexicon } from './lexicon.js';

/**
 * Ways of saying "write to me": "schreiben", "anschreiben" (and "anzuschreiben", with the
 * infinitive's "zu" inside), "melden", "nerven", "zuspammen", "belästigen", "stören", "schicken".
 */
const WRITE = String.raw`(?:an|zu|z')?(?:zu)?(?:schreib|schriib|schriebe|nachricht|meld|kontaktier|nerv|spam|belastig|stor|schick|textn|text)\p{L}*`;
/** "hör", "hoer", "hört" (accents are removed before matching). */
const HEAR = 'h(?:o|oe)r(?:t)?';

/** German cues. */
export const de: Lexicon = {
  lang: 'de',
  stop: [
    String.raw`${WRITE}\s+(?:dich)\s+(?:\p{L}+\s+)?(?:nie wieder|nie mehr|nicht mehr)|mich\s+(?:\p{L}+\s+){0,2}in ruhe (?:lassen|lasst)`,
    // "hör (endlich) auf, mir (dauernd) zu schreiben": up to three words between "auf" and the verb
    String.raw`${HEAR}\s+(?:(?!nicht\s|nie\s|niemals\s)\p{L}+\s+){0,2}(?:auf|uf|uff),?\s+(?:\p{L}+\s+){0,3}?(?:zu\s+)?${WRITE}`,
    String.raw`aufh(?:o|oe)ren,?\s+(?:(?:mir|mich|standig|staendig|dauernd|immer|andauernd)\s+)*(?:zu\s+)?${WRITE}`,
    String.raw`lass(?:t)?\s+(?:mich|mi)\s+(?:\p{L}+\s+){0,3}(?:in ruhe?|in frieden|zufrieden)`,
    String.raw`${WRITE}\s+(?:mir|mich|ma|mia)\s+(?:\p{L}+\s+){0,3}(?:nicht mehr|nich mehr|nie wieder|nie mehr|nimmer|nimma|nimmi|numme|nimme|nicht zuerst|nicht mehr zuerst|nicht immer zuerst|nie zuerst)`,
    String.raw`nicht mehr\s+(?:\p{L}+\s+)?(?:an)?ge(?:schrieben|kontaktiert|nervt|stort|spamt|meldet)|aufh(?:o|oe)ren damit`,
    String.raw`schreib\p{L}*\s+(?:mir|mich)\s+(?:bitte\s+)?(?:nicht|nie)(?=\s*(?:[.!?,]|$)|\s+(?:wahrend|bei|auf|nachts|morgens|so|um|vor|nach)\s)`,
    String.raw`(?:nicht mehr|nie wieder|nie mehr) (?:zuerst\s+|von (?:dir|euch|ihnen) aus\s+)?${WRITE}|(?:keine?r?|niemand) von euch(?:\s+\p{L}+){0,5}\s+${WRITE}`,
    // the imperative without a pronoun: "schreib nicht mehr", "meldet euch nie wieder"
    String.raw`(?:schreib|schreibt|meld dich|meldet euch|nerv|nervt)\s+(?:bitte\s+)?(?:nicht mehr|nie wieder|nie mehr)`,
    // "lass das mit den Nachrichten", "keine weiteren Nachrichten", "keinen Bock mehr auf diese Nachrichten"
    String.raw`lass(?:t)? (?:das|es) (?:\p{L}+\s+)?mit (?:\p{L}+\s+)?(?:nachrichten|texten|schreiben|spam)|keine (?:weiteren|neuen) (?:nachrichten|benachrichtigungen|sms|texte)`,
    String.raw`keine(?:n)? (?:bock|lust) mehr auf (?:\p{L}+\s+)?(?:nachrichten|benachrichtigungen|dich|euch)`,
    // "ich will diese Nachrichten nicht", "will von euch allen nichts mehr hören", "verschon mich"
    String.raw`(?:will|mochte|brauche) (?:diese|deine|eure|die|solche) (?:\p{L}+\s+)?nachrichten (?:\p{L}+\s+)?nicht`,
    String.raw`(?:will|mochte) von (?:dir|euch)(?:\s+allen)? nichts mehr (?:h(?:o|oe)ren|lesen|bekommen|wissen)|verschon\p{L}* mich`,
    String.raw`(?:nimm|nehmt|streich|losch|loscht|trag)\p{L}* mich (?:\p{L}+\s+)?(?:aus|von) (?:\p{L}+\s+)?(?:liste|verteiler)`,
    String.raw`(?:will|mochte|brauche) keine (?:\p{L}+\s+)?nachrichten|von (?:keinem|keiner|niemandem) (?:von euch|\p{L}+)(?: mehr)? (?:nachrichten|was)|keine (?:\p{L}+\s+)?nachrichten mehr|(?:will|mochte) nichts mehr von (?:dir|euch)`,
    // the separable verbs of "abmelden" and "austragen": "melde mich bitte ab", not "ich melde mich ab und zu"
    String.raw`(?:meld|melde|meldet) mich (?:\p{L}+\s+){0,2}?ab(?! und zu)|(?:trag|tragt|tragen sie) mich (?:\p{L}+\s+){0,3}?aus`,
    // "Schluss mit den Nachrichten", "genug mit dem Gespamme"
    String.raw`(?:schluss|genug|es reicht|jetzt reichts?)(?: jetzt| damit| endlich)? mit (?:\p{L}+\s+){0,2}?(?:nachrichten|benachrichtigungen|sms|texten|(?:ge)?spam\p{L}*|geschreibe|schreiberei)`,
    'abmelden|abbestellen|austragen|verschwinde|verpiss dich|hau ab|geh weg|(?:ich )?blockier\\p{L}* (?:ich )?(?:dich|euch)|losch\\p{L}* meine nummer',
    // "löschen Sie meine Daten", "entfernen Sie mich"; "Nachrichten bitte einstellen", "Unterlass das Schreiben"
    String.raw`(?:losch|entfern)\p{L}* (?:sie |du |ihr |bitte )*(?:mich|meine (?:daten|nummer|kontaktdaten)|mein (?:konto|profil|account))(?!\s+nicht)`,
    // "einstellen" also means "set up" ("wie stelle ich die Nachrichten ein"): only with a word of insistence
    String.raw`(?:nachrichten|benachrichtigungen|sms|texte|mails)\s+(?:bitte\s+|sofort\s+|endlich\s+)?(?:abstellen|abbestellen|beenden|stoppen|ausschalten|abschalten|deaktivieren)|stell\p{L}* (?:sie |du |ihr |bitte )*(?:alle|samtliche|jegliche|diese) (?:\p{L}+ )?(?:nachrichten|benachrichtigungen)(?: \p{L}+){0,2} ein(?![\p{L}])|(?:und|dann) (?:du bist|bist du|ich) (?:\p{L}+ )?blockier\p{L}*|du bist blockiert|nicht mehr (?:wollen|will|mochte) (?:\p{L}+ )?nachricht\p{L}*|(?:nimm|nehmt|nehmen sie) mich (?:da |hier )?raus|(?:aus|von) (?:\p{L}+ ){0,2}(?:verteiler|liste|dienst)\p{L}* (?:entfernt|ausgetragen|gestrichen|geloscht)|(?:nachrichten|benachrichtigungen|sms|texte|mails)\s+(?:bitte|sofort|endlich)\s+einstellen|unterlass\p{L}*\s+(?:\p{L}+\s+){0,2}(?:${WRITE}|nachrichten|kontaktaufnahmen?)`,
    // "Ich will nicht mehr, dass du mir schreibst", "schreib nicht zurück", "keine SMS mehr"
    String.raw`(?:will|mochte)\s+(?:es\s+)?nicht(?:\s+mehr)?,?\s+dass\s+(?:du|ihr|sie)\s+(?:mir|mich)\s+(?:\p{L}+\s+){0,2}${WRITE}`,
    String.raw`schreib\p{L}*\s+(?:mir\s+)?(?:bitte\s+)?(?:nicht|nie)\s+(?:mehr\s+)?zur(?:u|ue)ck|keine (?:sms|texte|mails|e-mails|pings|benachrichtigungen) mehr`,
    String.raw`${WRITE}\s+(?:sie|du|ihr)\s+(?:mir|mich)\s+(?:\p{L}+\s+){0,2}(?:nicht mehr|nie wieder|nie mehr)`,
    // "stellen Sie die Nachrichten ab", "wie meld ich mich ab", "nicht länger kontaktiert werden", "du bist geblockt"
    String.raw`stell\p{L}* (?:sie |du |ihr |bitte )*(?:\p{L}+ ){0,2}(?:nachrichten|benachrichtigungen)(?: \p{L}+){0,4} ab(?![\p{L}])|(?:meld|melde) (?:ich |man )(?:mich|sich) (?:(?:hier|da|dort|bei euch|bei dir|bitte|jetzt)\s+)?ab(?! und zu)|nicht (?:mehr|langer|weiter) (?:\p{L}+\s+)?(?:kontaktiert|angeschrieben|benachrichtigt|angerufen) (?:zu )?werden|du bist (?:blockiert|geblockt|gesperrt)`,
    String.raw`deaktivier\p{L}* (?:sie |du |ihr |bitte )*(?:die |alle |deine |eure |diese |samtliche )?(?:\p{L}+ )?(?:nachrichten|benachrichtigungen)`,
    alone(
      `(?:bitte\\s+)?(?:aufh(?:o|oe)ren|${HEAR} (?:(?:bitte|endlich|mal|doch|jetzt|alle) )*auf(?: damit)?|stopp?|lass das|schluss(?: jetzt)?|es reicht|jetzt reichts?)`,
      'jetzt|sofort|endlich|gleich',
    ),
  ],
  // the last alternative is someone else who must stop: "mein Chef soll aufhören, mir zu schreiben"
  stopNegators: String.raw`nicht|nie|niemals|sagte|sagt|meinte|er|(?:mein|meine|sein|seine|unser|unsere) \p{L}+|(?:er|mein\p{L}*|sein\p{L}*|unser\p{L}*)(?: \p{L}+)? (?:soll|sollte|muss|musste)`,
  stopQuestions: [
    'was (?:hei(?:ß|ss)t|bedeutet|passiert|macht|bringt)|hei(?:ß|ss)t|bedeutet|wenn ich|falls ich|wie funktioniert',
  ],
  stopAll: [
    String.raw`niemand von euch|(?:lasst|h(?:o|oe)rt|schreibt|meldet|nervt|verschont) (?:\p{L}+\s+){0,2}alle`,
    'ihr alle|samtlicher (?:figuren|charaktere|bots)|keinem von euch|(?:keinem|keiner|kein) (?:charakter|figur|bot)\\p{L}*|aller (?:charaktere|figuren|bots)|(?:bei|von) allen (?:charakteren|figuren|bots)|alle (?:charaktere|figuren)|h(?:o|oe)rt alle|alle von euch|euch allen|keine?r? von euch|ihr bots|alle (?:\\p{L}+\\s+)?bots|jede[rnms]? (?:\\p{L}+\\s+)?bots?',
  ],
  stopTimeQualifiers: [
    'wahrend (?:der|des|meiner) (?:arbeit|schule|unterrichts|meetings?|arbeitszeit)|wahrend ich|wenn ich (?:arbeite|schlafe|fahre|\\p{L}+ bin)|bei der arbeit|auf der arbeit|nachts|in der nacht|morgens|so fruh|so spat|im unterricht',
  ],
  wrongTime: [
    'mitternacht',
    String.raw`es ist (?:erst |schon )?\d{1,2}(?:[:.]\d\d)?\s*uhr|mitten in der nacht|um diese (?:uhrzeit|zeit)|(?:so|zu|viel zu) (?:fruh|spat)|\d+ uhr nachts|(?:halb|kurz nach|kurz vor) \p{L}+ (?:nachts|morgens)|nachts\s*[?!]`,
    String.raw`(?:ich bin|bin|ich sitze?|sitze?)\s+(?:\p{L}+\s+)?(?:auf der arbeit|bei der arbeit|in der arbeit|auf arbeit|im buro|im meeting|in einem meeting|in der besprechung|in der schule|in der uni|im unterricht|in der vorlesung|am (?:auto)?fahren|am arbeiten|am schlafen|im bett|beim arzt|beim zahnarzt|im kino|im fitnessstudio|beim sport|unter der dusche)`,
    String.raw`hast mich (?:\p{L}+\s+)?geweckt|ich schlaf\p{L}*|schlafe? schon|(?:hab|habe) (?:\p{L}+\s+)?geschlafen|ich schlafe|fahre (?:gerade|grad)|(?:lag|liege) (?:schon |gerade |grad )?im bett|arbeite (?:gerade|grad|noch)`,
  ],
  annoyed: [
    'so (?:viel|oft) (?:zu )?(?:schreiben|schreibst|nachrichten)',
    String.raw`(?:warum|wieso|weshalb) schreibst du (?:mir )?(?:\p{L}+\s+)?(?:standig|dauernd|immer|so oft|schon wieder)|wie oft (?:denn )?(?:noch|willst|schreibst)`,
    'noch eine? nachricht|(?:gehst|gehts?) mir auf (?:die nerven|den keks|den sack)|(?:schreibst|meldest) (?:dich |mir )?(?:\\p{L}+\\s+)?(?:zu oft|zu viel|standig|dauernd)|du nervst|nervig|nervt|nervensage|anstrengend|aufdringlich|anhanglich|lastig|schon wieder|was willst du|gib (?:endlich )?ruhe|reicht langsam',
    String.raw`zu viele nachrichten|gerade erst (?:geredet|geschrieben|gesprochen)|(?:zweite|dritte|vierte|funfte|zehnte|\d+\.?) nachricht heute|(?:zum )?(?:dritten|vierten|x-ten) mal|standig|dauernd|jeden tag dasselbe`,
  ],
  notNow: [
    'morgen vielleicht',
    'jetzt nicht|heute? nicht|nicht heute|grade? nicht|nicht jetzt|spater|keine zeit|beschaftigt|(?:ein )?andermal|keinen kopf|nein danke|einen moment|^gleich|melde? mich (?:spater|nachher)|nachher',
    '(?:reden|schreiben|quatschen|horen) (?:wir )?(?:uns )?morgen|morgen (?:reden|schreiben|quatschen|weiter)|vielleicht morgen|lieber morgen|bis morgen|keine lust|(?:geht|passt) (?:gerade|grad|jetzt) nicht|muss los|bin unterwegs|ich melde mich',
  ],
  negators: 'nicht|nie|kein|war|waren',
  invite: [
    "erzahl\\p{L}*|was gibt'?s|wie geht'?s|wie war dein|schie(?:ss|ß) los|leg los|ich hab (?:\\p{L}+\\s+)?zeit|kann reden",
  ],
  engaged: [
    'haha\\p{L}*|hehe|lol|gerne?|toll|super|cool|geil|schon von dir|wie schon|lieb|danke!|freu\\p{L}*|wahnsinn|krass|genau|wow|juhu|lustig|an dich gedacht|na klar|weiter|ware schon|witzig',
    `${HEAR} nicht auf|nie aufh(?:o|oe)ren|nicht aufh(?:o|oe)ren`,
  ],
  neutral: ['was passiert,? wenn|wer bist du|wenn ich (?:stopp?|abmelden) (?:schreibe|sage|tippe|sende)'],
  negative: ['nerv\\p{L}*|blod|doof|mude|hasse|genervt|leider'],
};

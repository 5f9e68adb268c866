import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "write to me": "écrire", "envoyer", "contacter", "embêter", "harceler". */
const WRITE = String.raw`(?:ecri|envoi|envoy|contact|emmerd|embet|harcel|spam|derang|parl)\p{L}*`;

/** French cues. */
export const fr: Lexicon = {
  lang: 'fr',
  stop: [
    String.raw`arret(?:e|es|ez|er)\s+(?:de\s+|d')(?:me\s+|m'?)?${WRITE}`,
    String.raw`laisse[zr]?-?\s*moi (?:\p{L}+\s+)?tranquille|(?:fou|fiche)[sztr]?-?\s*moi la paix`,
    String.raw`m'?(?:ecri(?:s|ve|vez)|envoie[sz]?)\s+(?:plus|pas|jamais)`,
    String.raw`(?:je ne veux|je veux) plus (?:\p{L}+\s+){0,2}messages|plus de messages|(?:me )?desabonn\p{L}*|(?:me )?desinscri\p{L}*`,
    alone('arrete(?:z)?(?: ca| tout)?|stop|degage|ca suffit|basta'),
  ],
  stopNegators: `n'|jamais|dit|disait`,
  stopAll: [
    `vous tou(?:s|tes)|tous les bots|aucun (?:de vous|d'entre vous|bot)|chacun de vous|tout le monde`,
  ],
  stopTimeQualifiers: [
    'pendant (?:le|les|mes) (?:travail|boulot|cours|reunions?|nuit)|la nuit|au travail|au boulot|le matin|si tot|si tard',
  ],
  wrongTime: [
    String.raw`il est (?:\p{L}+\s+)?\d{1,2}\s*h|il est (?:super |tres |trop |vraiment )?(?:tard|tot)|(?:en pleine|au milieu de la) nuit|a cette heure|(?:si|trop|super) (?:tot|tard)`,
    String.raw`je suis (?:\p{L}+\s+)?(?:au travail|au boulot|au taf|en cours|en reunion|en classe|au bureau|en train de (?:conduire|dormir|bosser|travailler))|^en (?:reunion|cours)`,
    String.raw`m'?as reveill\p{L}*|je dormais|je conduis|je suis au volant`,
  ],
  annoyed: [
    String.raw`pourquoi tu (?:m'?)?ecris (?:\p{L}+\s+)?(?:tout le temps|toujours|encore|sans arret)|pourquoi c'est toujours (?:toi|moi)`,
    `tu me (?:saoules|soules|gaves)|tu m'?enerves|c'est (?:lourd|chiant|relou)|t'?es (?:relou|chiant|lourd)|relou|collante?|encore toi|encore un message`,
    String.raw`trop de messages|on vient de (?:parler|discuter)|(?:deuxieme|troisieme|quatrieme|cinquieme|\d+e?) message`,
  ],
  notNow: [
    'pas maintenant|plus tard|occupee?|pas le temps|une autre fois|je te redis|on en reparle|(?<!y )a plus(?! de)|a toute|pas (?:trop )?envie|non merci|je reviens',
  ],
  negators: `pas|jamais|n'|etais`,
  invite: [
    String.raw`raconte\p{L}*|vas-?y|dis-moi|ca va\s*\?|quoi de neuf|je t'ecoute|j'ai (?:un )?(?:moment|minute)`,
  ],
  engaged: [
    String.raw`haha\p{L}*|mdr|ptdr|j'adore|adore|genial|super|trop (?:bien|mignon|cool)|mignon|merci !|oui !|avec plaisir|contente?|coucou|souviens|wow`,
    `n'arrete (?:pas|jamais)`,
  ],
  neutral: [`qu'est-ce qui se passe si|que se passe-t-il si`],
  negative: ['nul|chiant|deteste|fatigue|marre|relou|lourd'],
};

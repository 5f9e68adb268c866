import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "write to me": "écrire", "envoyer", "contacter", "embêter", "harceler". */
const WRITE = String.raw`(?:ecri|envoi|envoy|contact|emmerd|embet|harcel|spam|derang|parl|appel|sollicit|text)\p{L}*`;
/** "arrête", "arrêtez", "cessez", "que vous cessiez". */
const CEASE = '(?:arret|cess)(?:e|es|ez|er|iez|ions|ons)';
/** What is sent: "messages", "notifs", "textos". */
const MESSAGES = '(?:messages|notifs|notifications|sms|textos)';

/** French cues. */
export const fr: Lexicon = {
  lang: 'fr',
  stop: [
    String.raw`${CEASE}\s+(?:(?:tous|toutes|donc|une fois|un peu|enfin|maintenant|stp|svp)\s+)?(?:de\s+|d')(?:me\s+|m'?)?${WRITE}`,
    String.raw`laisse[zr]?-?\s*moi (?:\p{L}+\s+)?(?:tranquille|en paix)|(?:fou(?:s|tez|tre)?|fiche[sz]?|ficher)-?\s*moi la paix|lache[zr]?-?\s*moi|oublie[zr]?-?\s*moi`,
    // "arrête tes messages", "retire-moi de la liste", "je ne veux plus être contacté"
    String.raw`arret(?:e|es|ez|er) (?:tes|vos|les|ces|tous ces|toutes ces) (?:\p{L}+\s+)?${MESSAGES}|(?:retire|enleve|supprime|sors|raye)[sz]?-?\s*moi (?:de|d'|du)`,
    "(?:ne )?(?:j'?veux|veux|souhaite) plus (?:etre )?(?:contacte|sollicite|derange|harcele)e?s?|(?:j'?veux|veux) plus (?:rien )?recevoir|(?:souhaite\\p{L}*|voudrais|veux|prefere\\p{L}*) ne plus (?:etre (?:contacte|sollicite|derange|harcele)e?s?|recevoir)",
    String.raw`m'?(?:ecri(?:s|ve|vez)|envoie[sz]?)\s+(?:plus|pas(?! assez| beaucoup| souvent)|jamais)|ne me ${WRITE}\s+(?:plus|jamais)|ne (?:plus|jamais) (?:me |m')?${WRITE}|n'(?:ecri|envoi)\p{L}*\s+(?:plus|jamais)`,
    String.raw`(?:aucune?|personne) (?:de vous|d'entre vous|parmi vous|bot)(?:\s+[\p{L}']+){0,3}\s+(?:me |m')${WRITE}`,
    `(?:j'?veux|veux) plus (?:qu'(?:aucun|personne)\\p{L}* (?:\\p{L}+ )?(?:ne )?m'?${WRITE}|que (?:tu|vous) m'?${WRITE}|(?:de )?(?:tes |vos |ces )?${MESSAGES}|(?:te |vous )?(?:parler|entendre))`,
    String.raw`(?:je ne veux|je veux) plus (?:\p{L}+\s+){0,2}messages|plus (?:jamais |aucun )?de (?:messages|notifs|notifications|sms)|stop (?:aux |a tes |les |tes |vos )(?:messages|notifs|notifications|textos|sms)`,
    // "je préfère ne plus recevoir", "je préférerais que tu ne m'écrives plus"
    String.raw`prefere\p{L}* (?:ne )?(?:plus|pas) (?:recevoir|etre (?:contacte|sollicite|derange|harcele)e?s?)|prefere\p{L}* que (?:tu|vous) (?:ne )?(?:m'|me )(?:ecri|envoi|contact)\p{L}* (?:plus|pas)`,
    // "assez de messages", "marre de tes notifs", "fini les messages"; not "pas assez de messages"
    `(?<!pas )(?:assez|marre|ca suffit|basta|fini|termine)(?: avec)? (?:de |des |d'|les |tes |vos |ces )${MESSAGES}`,
    String.raw`(?:me )?desabonn\p{L}*|(?:me )?desinscri\p{L}*|je vais te bloquer|je te bloque|supprime mon (?:numero|compte)|va-t'en|casse-toi|fous le camp`,
    // "arrête de m'inonder de messages", "on arrête là les messages", "plus aucun message", "merci de m'oublier"
    String.raw`${CEASE}(?! pas| jamais| plus) (?:de |d')?(?:[\p{L}']+\s+){1,3}?(?:de |des |tes |vos |ces |les )?(?:${MESSAGES}|message)|arret(?:e|es|ez|er|ons) (?:la|ici|donc) (?:les|tes|vos|ces) ${MESSAGES}|(?<!n'(?:\p{L}+ ){1,2})plus aucune? (?:message|notif|notification|sms|texto)s?`,
    // the "ne" dropped: "écris-moi plus en premier", not "écris-moi plus souvent"
    String.raw`(?:ecri(?:s|vez)|envoie[sz]?)-?\s*moi plus(?! souvent| vite| tard| longtemps| longuement| de | d'| sur| des)|merci de (?:m'oublier|ne plus (?:me |m')\p{L}+|me (?:retirer|desinscrire|laisser tranquille))|(?:supprim|effac)\p{L}* (?:mes (?:donnees|coordonnees)|mon (?:numero|compte|profil))|(?:supprim|effac|desinscri)\p{L}*-moi`,
    // "je n'ai plus envie de recevoir tes messages": the cue starts at "n'ai", so "n'" is not read as its negator
    String.raw`n'?ai plus envie (?:de (?:recevoir|tes |vos |ces )|que (?:tu|vous) (?:m'|me )|d'etre (?:contacte|sollicite|derange))`,
    // "désactivez les messages", "veuillez me retirer de cette liste", "pour plus recevoir ces messages"
    String.raw`desactiv\p{L}* (?:les |tes |vos |ces |mes )?(?:\p{L}+ )?${MESSAGES}|(?:veuillez|merci de|pourriez-vous|pouvez-vous|tu peux|vous pouvez) me (?:retirer|supprimer|desinscrire|desabonner|enlever|rayer)|(?:pour|de) (?:ne )?plus recevoir (?:ces |tes |vos |les |de |d'|des )?(?:\p{L}+ )?${MESSAGES}`,
    // the apostrophe or the "ne" dropped: "ne m ecris plus", "me contacte plus" (not "tu me contactes plus", a lament);
    // "je veux que tous les personnages arrêtent de me contacter"
    String.raw`ne m\s(?:ecri|envoi|contact|text)\p{L}* plus|me(?<!(?:tu|il|elle|on|ils|elles) me) (?:contacte[sz]?|ecri[stv]\p{L}*|envoie[sz]?|texte[sz]?) plus(?! souvent| vite| tard| de | d')|que (?:[\p{L}']+ ){0,3}(?:arretent|cessent) de (?:me |m')${WRITE}`,
    alone(
      `arrete(?:z)?(?: ca| tout)?|(?:tu peux|tu pourrais|vous pouvez|vous pourriez|pouvez-vous|peux-tu|tu veux bien) (?:tous |toutes )?arreter|va voir ailleurs|allez voir ailleurs|stop|degage|ca suffit|basta|(?:plus|pas) de ${MESSAGES}`,
      'maintenant|tout de suite|immediatement|deja',
    ),
  ],
  // the last alternative is someone else who must stop: "mon voisin doit arrêter de m'écrire"
  stopNegators: String.raw`n'|jamais|dit|disait|(?:il|elle|ils|elles|(?:mon|ma|mes|son|sa|ses|leur|leurs|notre) \p{L}+) (?:doit|doivent|devrait|devraient)`,
  stopQuestions: [
    "ca fait quoi|(?:ca )?veut dire(?: quoi)?|c'est quoi|qu'est-ce que|qu'est-ce qui se passe si|que se passe-t-il si|si je|signifie|comment ca marche",
  ],
  stopAll: [
    "personne (?:de vous|d'entre vous|parmi vous)|aucun (?:personnage|perso|bot)s?|tous les (?:personnages|persos|bots)|vous tou(?:s|tes)|vous (?:pouvez|pourriez|devez|allez) tou(?:s|tes)|tous les bots|aucun (?:de vous|d'entre vous|bot)|chacun de vous|tout le monde|arretez tous",
  ],
  stopTimeQualifiers: [
    'pendant (?:le|les|mes) (?:travail|boulot|cours|reunions?|nuit)|avant (?:\\d{1,2}(?:h\\d*)?|midi)|apres (?:\\d{1,2}(?:h\\d*)?|minuit)|pendant que je|quand je (?:bosse|travaille|dors|conduis|suis)|la nuit|au travail|au boulot|le matin|si tot|si tard',
  ],
  wrongTime: [
    String.raw`minuit|(?:me )?reveill\p{L}*`,
    String.raw`il est (?:\p{L}+\s+)?\d{1,2}\s*h|il est (?:super |tres |trop |vraiment )?(?:tard|tot)|(?:en pleine|au milieu de la) nuit|a cette heure|a une heure pareille|(?:si|trop|super) (?:tot|tard)|du mat(?:in)?`,
    String.raw`je suis (?:\p{L}+\s+)?(?:au travail|au boulot|au taf|en cours|en reunion|en classe|au bureau|a la fac|au lycee|a l'ecole|a la salle|chez le medecin|chez le dentiste|au cinema|a l'hopital|au lit|en train de (?:conduire|dormir|bosser|travailler))|^en (?:reunion|cours)|(?:au taf|au boulot) la`,
    "m'?as reveill\\p{L}*|je bosse|je travaille(?=\\s*(?:[.!?,]|$))|je dormais|je dors|j'etais en train de dormir|je conduis|je suis au volant",
  ],
  annoyed: [
    `ca commence a (?:bien faire|m'enerver|etre lourd|me saouler)`,
    String.raw`pourquoi tu (?:m'?)?ecris (?:\p{L}+\s+)?(?:tout le temps|toujours|encore|sans arret)|pourquoi c'est toujours (?:toi|moi)`,
    String.raw`tu me (?:saoules|soules|gaves|harceles)|tu m'?enerves|ca m'enerve|m'agace|c'est (?:lourd|chiant|relou)|t'?es (?:relou|chiant|lourd)|relou|collante?|insistant\p{L}*|insupportable|penible|saoulant\p{L}*|soulant\p{L}*|trop de (?:notifs|notifications)|encore toi|encore un message|encore\s*[?!]`,
    String.raw`trop de messages|on vient de (?:parler|discuter)|(?:deuxieme|troisieme|quatrieme|cinquieme|\d+e?) message|harcel\p{L}*|(?:ecris|envoies|parles) (?:beaucoup )?trop|pot de colle|(?:ecris|envoies) (?:\p{L}+\s+)?tout le temps`,
  ],
  notNow: [
    String.raw`pas la(?=\s*(?:[,.!]|$))`,
    'pas maintenant|plus tard|occupee?|pas le temps|une autre fois|je te redis|on en reparle|(?<!y )a plus(?! de)|a toute|pas (?:trop )?envie|non merci|je reviens',
    "(?:la )?je (?:ne )?peux pas|je te rappelle|demain peut-etre|peut-etre demain|^demain|on (?:se parle|en parle|discute) demain|pas ce soir|(?:on verra|on voit|a) demain|pas aujourd'hui|(?:je suis )?pas dispo|debord\\p{L}*|je (?:dois|vais) (?:y aller|filer|partir)|c'est pas le moment",
  ],
  negators: "pas|jamais|n'|etais",
  invite: [
    `dis-m'en plus|dis-moi`,
    "raconte\\p{L}*|vas-?y|dis-moi|ca va\\s*\\?|quoi de neuf|je t'ecoute|j'ai (?:un )?(?:moment|minute)",
  ],
  engaged: [
    "haha\\p{L}*|mdr|ptdr|j'adore|adore|genial|super|trop (?:bien|mignon|cool|drole)|mignon|drole|merci !|oui !|avec plaisir|plaisir|contente?|coucou|souviens|wow|carrement|adorable",
    "n'arrete (?:pas|jamais)|ne t'arrete (?:pas|jamais)",
  ],
  neutral: [
    "qu'est-ce qui se passe si|que se passe-t-il si|c'est qui|qui es-tu|si (?:j'(?:ecris|envoie|tape|mets)|je (?:dis|mets|tape|reponds|reponds par)) (?:stop|arret)",
  ],
  negative: ['nul|chiant|penible|deteste|fatigue|marre|relou|lourd'],
};

import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "write to me": "mandar", "enviar", "escrever", "ligar", "encher". */
const WRITE = String.raw`(?:mand|envi|escrev|lig|cham|incomod|perturb|msg|mensag)\p{L}*`;
/** The forms a request uses ("não me manda", "não me mande"), not a report ("não me mandou"). */
const WRITE_COMMAND = String.raw`(?:mand[ae]|envi[ae]|escrev[ae]|ligu?e|cham[ae])\p{L}*`;

/** Portuguese cues. */
export const pt: Lexicon = {
  lang: 'pt',
  stop: [
    String.raw`(?:para|pare|parem|parar)\s+de\s+(?:me\s+|mim\s+)?${WRITE}`,
    '(?:me deix[ae]m?|deix[ae]-me) em paz|sai fora|some daqui|vaza|(?:para|pare) com isso',
    String.raw`(?:nao|nunca mais)\s+(?:me\s+)?${WRITE_COMMAND}|me ${WRITE_COMMAND}\s+mais`,
    String.raw`nao (?:quero|desejo) (?:mais )?(?:receber )?(?:mais )?(?:suas )?mensage\p{L}*|cancelar (?:a )?inscricao|descadastr\p{L}*|sair da lista`,
    alone('chega|para|pare|stop|some'),
  ],
  stopNegators: 'nao|nunca|jamais|nem|disse|falou',
  stopAll: ['todos voces|voces todos|nenhum de voces|todos os bots|nenhum (?:dos )?bots?|todo mundo'],
  stopTimeQualifiers: [
    'durante o (?:trabalho|expediente|dia|aula)|no trabalho|de madrugada|a noite|de noite|tao cedo|tao tarde',
  ],
  wrongTime: [
    String.raw`sao \d{1,2}(?:h| horas)?(?:\s+da (?:manha|madrugada|noite))?|(?:e|ta|esta) (?:de )?madrugada|de madrugada|a essa hora|a esta hora|(?:muito|mt|super|tao) (?:cedo|tarde)`,
    String.raw`(?:to|tou|estou) (?:\p{L}+\s+)?(?:no trabalho|no servico|em reuniao|numa reuniao|na aula|na escola|na faculdade|dirigindo|trabalhando|dormindo)`,
    'me acordou|tava dormindo|estava dormindo',
  ],
  annoyed: [
    'por ?que (?:voce|vc|tu) (?:fica|vive|sempre)|por ?que e sempre|chat[oa]|que saco|saco cheio|enchendo o saco|me irritando|irritante',
    String.raw`(?:voce|vc|tu) de novo|de novo\s*\?|mais uma mensagem|muitas? mensage\p{L}*|acab(?:ou|amos|ei) de (?:conversar|falar)|grudent[oa]|(?:segunda|terceira|quarta|quinta|\d+a?) mensagem`,
  ],
  notNow: [
    'agora nao|ocupad[oa]|depois (?:a gente|te|eu|falamos|conversamos)|mais tarde|sem tempo|outra hora|outro dia|nao,? obrigad[oa]|nao posso (?:falar|agora)',
    'me da um (?:tempo|tempinho)|ja volto|nao (?:to|tou|estou) (?:a ?fim|com vontade)',
  ],
  negators: 'nao|nunca|tava|passei',
  invite: [
    String.raw`pode falar|me conta|conta (?:mais|tudo)|tudo bem\s*\?|como (?:foi|voce esta|vc ta)|fala ai|to livre`,
  ],
  engaged: [
    String.raw`k{3,}|haha\p{L}*|rs+|adoro|amei|incrivel|fofo|lindo|obrigad[oa]|que bom|animad[oa]|nao acredito|oi|sim`,
    'nunca pare|nao para de',
  ],
  neutral: ['o que acontece se'],
  negative: [String.raw`chat[oa]|saco|odeio|cansad[oa]|irrit\p{L}*`],
};

import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "write to me": "mandar", "enviar", "escrever", "ligar", "encher". */
const WRITE = String.raw`(?:mand|envi|escrev|lig|cham|incomod|perturb|encher|msg|mensag|contat|contact|chate)\p{L}*`;
/** The forms a request uses ("não me manda", "não me mande"), not a report ("não me mandou"). */
const WRITE_COMMAND = String.raw`(?:mand[ae]|envi[ae]|escrev[ae]|ligu?e|liga|cham[ae]|procur[ae]|contac?t[ae])\p{L}*`;

/** Portuguese cues. */
export const pt: Lexicon = {
  lang: 'pt',
  stop: [
    // "prefiro não receber mais mensagens", "prefiro que você não me mande nada"
    String.raw`prefir\p{L}* (?:que (?:voce |vc |tu )?)?(?:nao|nunca mais) (?:receber|ser contatad[oa]|me ${WRITE_COMMAND})`,
    'me tir[ae] (?:dessa|da|desta) lista|me tir[ae] daqui|(?:some|sai) da minha vida|nao quero receber (?:mais )?nada|nao quero mais nada',
    String.raw`(?:nao|nunca mais|nenhum\p{L}*(?:\s+\p{L}+){0,3})\s+(?:me\s+)?(?:fal[ae]|mand[ae]|escrev[ae])\p{L}*\s+(?:mais\s+)?comigo`,
    // "para com essas mensagens", "quero cancelar essas mensagens", "tira meu número dessa lista"
    String.raw`(?:para|pare|parem|chega) com (?:\p{L}+\s+)?(?:mensage\p{L}*|msgs?|notifica\p{L}*)|cancel\p{L}* (?:\p{L}+\s+)?(?:mensage\p{L}*|msgs|notifica\p{L}*)`,
    String.raw`(?:tir|remov|exclu|apag)[aei]\p{L}*(?:-me)? (?:me |meu (?:numero|nome|contato) )?d\p{L}* lista|(?:apag|exclu|remov)[aei]\p{L}* meu (?:numero|contato|cadastro)`,
    String.raw`(?:para|pare|parem|parar)\s+(?:todos\s+|todas\s+)?de\s+(?:me\s+|mim\s+)?${WRITE}`,
    '(?:me deix[ae]m?|deix[ae]-me) (?:em paz|quiet[oa]|sossegad[oa])|cancel(?:a|ar) (?:isso|tudo|as mensagens)|sai fora|some daqui|vaza|(?:para|pare) com isso|me esquece|esquece-me|me erra|vai embora|cai fora',
    String.raw`(?:nao|nunca mais)\s+(?:me\s+)?${WRITE_COMMAND}|me ${WRITE_COMMAND}\s+mais|(?:nenhum|ninguem)\p{L}*(?:\s+\p{L}+){0,3}\s+me\s+${WRITE_COMMAND}`,
    String.raw`nao (?:quero|quer|desejo) (?:mais )?(?:receber )?(?:mais )?(?:suas )?mensage\p{L}*|(?:parar|para|pare) de receber|nao quero mais (?:conversar|falar) (?:com voce|contigo)|nao quero mais receber`,
    String.raw`cancelar (?:a )?inscricao|descadastr\p{L}*|sair d\p{L}* lista|(?:quero|queria) sair (?:disso|daqui)|chega (?:de|dessas?|desses?|das|dos) (?:\p{L}+\s+)?(?:mensage\p{L}*|msgs?|notifica\p{L}*)|(?:vou te |vou )?bloquear (?:voce|vc|isso)|te bloquear`,
    // "não quero mais ser contatado", "me remove daqui", "cancela meu cadastro", "nem me manda mais nada"
    String.raw`(?:deix[ae]|deixem|deixar|deixasse|deixassem)(?: todos| todas)? de (?:me |mim )?${WRITE}|nao (?:quero|desejo) (?:mais |voltar a )?ser (?:mais )?(?:contatad|contactad|incomodad|perturbad|procurad)\p{L}*|me (?:remov[ae]|exclu[ai]|descadastr[ae])(?!\p{L})|me tir[ae]m? (?:daqui|disso|dessa|desse|desta|deste)`,
    String.raw`cancel\p{L}* (?:o |a )?(?:meu|minha) (?:cadastro|inscricao|assinatura|conta)|(?:apag|exclu|remov)[aei]\p{L}* (?:os |a )?(?:meus dados|minha conta)|nem me ${WRITE_COMMAND}`,
    // "como eu desativo essas mensagens", "gostaria de deixar de receber"
    String.raw`(?:desativ|deslig)\p{L}* (?:as |essas |suas |estas |minhas )?(?:\p{L}+ )?(?:mensage\p{L}*|notifica\p{L}*|msgs?)|deixar de receber (?:\p{L}+ )?(?:mensage\p{L}*|msgs?|notifica\p{L}*|isso)`,
    alone(
      'chega|para|pare|stop|some|sai daqui|sair|parar|cancelar|cancela|(?:da pra|pode|podes|poderia|tem como|(?:voce|vc|voces|vcs) (?:pode|podem)) parar',
      'ja|agora|de uma vez',
    ),
  ],
  // someone else: "minha chefe precisa parar de me mandar mensagem"; a pronoun before the verb of a
  // language that drops it says who does it ("ela não me liga mais" is a lament, not a request)
  stopNegators: String.raw`nao|nunca|jamais|nem|disse|falou|(?:(?:meu|minha|meus|minhas) \p{L}+ )?(?:ele|ela|eles|elas)|(?:ele|ela|eles|elas|(?:meu|minha|meus|minhas) \p{L}+) (?:precisa|precisam|tem que|tem de|deve|devem|devia|deveria)(?: de)?`,
  stopQuestions: [
    'o que (?:e|significa|acontece(?: se)?|faz)|significa|se eu|e se|como funciona|como (?:eu )?(?:sei|vejo|confiro) se|como saber se',
  ],
  stopAll: [
    'parem todos|nenhum de (?:voces|vcs)|deixem todos|todos deixem|nenhum personagem|todos os personagens|desativa tudo|(?:voces|vcs) (?:podem|devem|precisam|tem que)|todos parem|todos voces|voces todos|nenhum de voces|todos os bots|nenhum (?:dos )?bots?|todo mundo',
  ],
  stopTimeQualifiers: [
    'durante o (?:trabalho|expediente|dia|aula)|(?:no|em) horario (?:de trabalho|do trabalho|comercial|de aula|de expediente)|(?:antes|depois) d(?:as?|o) \\d{1,2}(?:h|:\\d\\d)?|quando (?:eu )?(?:estou|estiver|to|tou|trabalho|durmo)|enquanto (?:eu )?(?:estou|to|tou|trabalho)|no trabalho|de madrugada|a noite|de noite|tao cedo|tao tarde',
  ],
  wrongTime: [
    'meia-?noite|no meio d[ae] (?:uma )?(?:reuniao|aula|prova)',
    String.raw`sao \d{1,2}(?:h| horas)?(?:\s+da (?:manha|madrugada|noite))?|(?:e|ta|esta) (?:de )?madrugada|de madrugada|a essa hora|a esta hora|(?:muito|mt|super|tao) (?:cedo|tarde)`,
    String.raw`(?:to|tou|estou) (?:\p{L}+\s+)?(?:no trabalho|no servico|no trampo|em reuniao|numa reuniao|na aula|em aula|na escola|na facul|na faculdade|na academia|no medico|no dentista|no hospital|no cinema|na igreja|dirigindo|trabalhando|dormindo|deitad[oa]|na cama)`,
    '(?:me )?acordou|acabei de acordar|(?:tava|estava) (?:dormindo|deitad[oa]|na cama)',
  ],
  annoyed: [
    // "você não para de mandar mensagem" says what the character does: a complaint, not "don't stop"
    '(?:voce|vc|tu) nao para(?:s)? de|por ?que (?:voce|vc|tu) (?:fica|vive|sempre)|por ?que e sempre|chat[oa]|que saco|saco cheio|enchendo o saco|me irritando|irritante|insistente|insistencia|nao cansa|chatice|enchendo|tantas? mensage\\p{L}*|pegajos[oa]',
    String.raw`(?:voce|vc|tu|isso|mensagem) de novo|de novo\s*(?:isso|voce|vc|\?)|mais uma mensagem|muitas? mensage\p{L}*|mensage\p{L}* demais|acab(?:ou|amos|ei) de (?:conversar|falar)|grudent[oa]|(?:segunda|terceira|quarta|quinta|\d+a?) mensagem`,
    'toda hora|o tempo todo|credo',
  ],
  notNow: [
    'agora nao|ocupad\\p{L}*|depois (?:a gente|te|eu|falamos|conversamos)|mais tarde|sem tempo|outra hora|outro dia|nao,? obrigad[oa]|nao posso (?:falar|agora)',
    'me da um (?:tempo|tempinho)|ja volto|nao (?:to|tou|estou) (?:a ?fim|com vontade)|amanha (?:a gente|conversamos|falamos|te)|daqui a pouco|ja ja|tenho que ir|preciso ir|corrid[oa]|enrolad[oa]',
  ],
  negators: 'nao|nunca|tava|passei',
  invite: [
    'pode falar|me conta|conta (?:mais|tudo)|tudo bem\\s*\\?|como (?:foi|voce esta|vc ta)|fala ai|to livre',
  ],
  engaged: [
    'k{3,}|haha\\p{L}*|rs+|adoro|adorei|amei|incrivel|fofo|lindo|obrigad[oa]!|que bom|animad[oa]|nao acredito|oi|sim|engracad[oa]|legal|que massa|saudade|claro',
    'nunca pare|nao para de',
  ],
  neutral: [
    'o que acontece se|quem e|se eu (?:mandar|escrever|digitar|disser|puser|enviar) (?:stop|sair|parar)',
  ],
  negative: ['chat[oa]|saco|odeio|cansad[oa]|irrit\\p{L}*'],
};

import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "write to me": "escribirme", "mandarme", "enviarme", "hablarme", "molestarme". */
const WRITE = String.raw`(?:escrib|mand|envi|habl|contact|molest|spame|llam|textear)\p{L}*`;
/** The command and subjunctive forms that only a request uses ("no me escribas", not "no me escribiste"). */
const WRITE_COMMAND =
  '(?:escrib(?:as|an|a)|mand(?:es|en|e)|envi(?:es|en|e)|habl(?:es|en|e)|contact(?:es|en|e)|molest(?:es|en|e)|llam(?:es|en|e))';

/** Spanish cues. */
export const es: Lexicon = {
  lang: 'es',
  stop: [
    'no quiero (?:recibir )?(?:nada|mas nada)|dej(?:a|e|en|ad)me tranquil[oa]s?',
    String.raw`(?:no|nadie|ningun\p{L}*)(?:\s+\p{L}+){0,4}\s+me\s+vuelv\p{L}* a\s+(?:escrib|mand|envi|habl|contact)\p{L}*`,
    String.raw`(?:para|pare|paren)\s+(?:ya\s+)?de\s+${WRITE}`,
    String.raw`(?:deja|deje|dejen|dejad)\s+(?:ya\s+|todos\s+|todas\s+)?de?\s+${WRITE}`,
    String.raw`(?:puedes|podes|podrias|puede|podrian)\s+dejar\s+de\s+${WRITE}|que (?:me )?(?:dejes|dejen|deje|pares|paren|pare|dejaras|dejaran|dejases|pararas|pararan) de\s+${WRITE}`,
    // "no quiero que me escribas", "nadie de ustedes me escriba": a request takes the subjunctive
    String.raw`no (?:quiero|deseo) que (?:\p{L}+\s+){0,2}me (?:vuelv\p{L}* a )?${WRITE_COMMAND}|(?:nadie|ningun\p{L}*)(?:\s+\p{L}+){0,4}\s+me\s+(?:vuelva\p{L}* a\s+\p{L}+|${WRITE_COMMAND})`,
    String.raw`dej(?:a|e|en|ad)me (?:\p{L}+\s+)?en paz|(?:sacame|quitame|borrame|eliminame) de (?:\p{L}+\s+)?(?:lista|aqui|esto|ahi)`,
    `no me ${WRITE_COMMAND}|no me (?:vuelvas|vuelvan|vuelva) a ${WRITE}`,
    // the request forms only: "nadie me escribe nunca" is a lament, "no me escribas más" a request
    String.raw`(?:no|nadie|ningun\p{L}*)(?:\s+\p{L}+){0,4}\s+me\s+${WRITE_COMMAND}\s+(?:mas|nunca)`,
    // "prefiero que no me escribas", "prefiero no recibir mensajes"
    String.raw`pref(?:er|ier)\p{L}* (?:que (?:ya )?no me (?:vuelv\p{L}* a )?(?:${WRITE_COMMAND}|${WRITE})|(?:ya )?no (?:recibir|que me ${WRITE}))`,
    // "basta de notificaciones", "no más mensajes"
    String.raw`(?:basta|suficiente|ya estuvo|se acabo|stop|parale|parenle|dejale|ya para|ya stop)(?: ya)? (?:de|con) (?:(?:tus|tantos|tantas|los|las|estos|estas|esos|sus)\s+)?(?:mensajes|mensajitos|msjs?|notificaciones|avisos|recordatorios|textos|whatsapps?)|no mas (?:mensajes|msjs|notificaciones)`,
    'dejame en paz|dejenme en paz|dejadme en paz|dejame tranquil[oa]|olvidate de mi|olvidame|alejate de mi|basta de mensajes|basta ya|ya basta|no me molestes|dejar de recibir|borrame|(?:sacame|quitame) de (?:la lista|aqui|esto)',
    String.raw`(?:darme|me doy|dame|darse|denme|deme) de baja|cancelar (?:la )?suscripcion|desuscrib\p{L}*|no (?:quiero|kiero|qiero|deseo) (?:recibir )?(?:mas )?(?:tus |estos |esos |sus |los |tantos |tantas )?(?:mensajes?|notificaciones|comunicaciones|correos|avisos|sms|whatsapps?)`,
    'no quiero (?:hablar|saber) (?:nada )?(?:mas )?(?:contigo|de ti)|(?:te voy a |te )bloque\\p{L}*|borra mi numero',
    // "no vuelvas a escribir", "no sigas escribiéndome", "¿podrías no escribirme más?", "quítenme de esto"
    String.raw`que no me (?:escrib|mand|envi|contact|molest|llam)(?:ara|iera)n?|no (?:me )?(?:vuelvas|vuelvan|volves) a ${WRITE}|no (?:me )?(?:sigas|sigan) ${WRITE}|no (?:escrib|mand|envi|contact|molest)(?:ir|ar)me (?:mas|nunca)`,
    String.raw`(?:nadie|ningun\p{L}*)(?:\s+\p{L}+){0,4}\s+(?:me\s+)?vuelvan?\s+a\s+${WRITE}|(?:sac|quit|borr|elimin)(?:a|e|en|ad)me de|saquen?me de|no (?:quiero|deseo) (?:volver a )?ser (?:contactad|molestad|llamad|escrit)\p{L}*|(?:quiero|quisiera|deseo|necesito) dar(?:me)? de baja(?! (?:mi|la|el|una|un|los|las) )`,
    // "deja de llenarme el celular de mensajes", "elimina mis datos"
    String.raw`(?:deja|deje|dejen|dejad|dejar) de (?:\p{L}+\s+){1,4}(?:mensajes|mensajitos|msjs?|notificaciones|whatsapps?)|(?:borr|elimin|quit)\p{L}* (?:mi|mis) (?:numero|cuenta|datos|informacion|contacto)`,
    // "desactiven los mensajes", "k dejes de escribirme", "que no me volviera a contactar"
    String.raw`desactiv\p{L}* (?:los |las |tus |estos |estas |mis |sus )?(?:\p{L}+ )?(?:mensajes|notificaciones|avisos)|(?:k|q) (?:me )?(?:dejes|dejen|pares|paren) de ${WRITE}|que no me (?:volviera|volvieran|vuelva|vuelvan) a ${WRITE}`,
    alone(
      '(?:ya\\s+)?(?:basta|para ya|para|stop|baja|vete|largate|suficiente|dejame ya|dejenme ya)',
      'ya|ya mismo|ahora|ahora mismo|de una vez',
    ),
  ],
  // Portuguese "não" too: "para de mandar" is a cue of both, and the Spanish one matches first.
  // the last alternative is someone else who must stop: "mi ex tiene que dejar de escribirme"
  stopNegators: String.raw`no|nunca|jamas|ni|dijo|dice|nao|nem|(?:mi|mis|ella|ellos|ellas)(?: \p{L}+)? (?:tiene|tienen|debe|deben|deberia|deberian|necesita|necesitan)(?: que)?`,
  stopQuestions: [
    'que (?:significa|es|pasa si|hace|quiere decir)|significa|y si|si yo|como funciona|para (?:que|q) sirve',
  ],
  stopAll: [
    '(?:dejen|paren|callense|vayanse)(?:me)? todos|todos (?:callense|vayanse)|todos,? (?:dejen|paren)|(?:nadie|ninguno) de (?:ustedes|vosotros)|todos ustedes|todos vosotros|ustedes todos|ninguno de (?:ustedes|vosotros|los bots)|(?:escrib|mand|envi|habl|contact|molest)\\p{L}*me tod[oa]s|todos los bots|ningun bot|(?:todos los )?personajes',
  ],
  stopTimeQualifiers: [
    'en (?:horario de |horas de )?(?:trabajo|clase)|de noche|por la noche|en la madrugada|a estas horas|tan temprano|tan tarde|mientras|(?:antes|despues) de las? \\d|cuando (?:estoy|este|ando|trabajo|duermo)',
  ],
  wrongTime: [
    'junta',
    String.raw`son las \d{1,2}|de (?:la )?madrugada|a estas horas|a esta hora|(?:es|esta) (?:muy |super |demasiado )?(?:tarde|temprano)|muy temprano|medianoche|tan (?:tarde|temprano)`,
    String.raw`(?:estoy|ando) (?:\p{L}+\s+)?(?:en el trabajo|en la oficina|en clase|en una reunion|en reunion|en la uni|en la universidad|en el cole|en el colegio|en el gimnasio|en el gym|en el medico|en el dentista|en el hospital|en el cine|en misa|en el curro|trabajando|currando|manejando|conduciendo|durmiendo|en la escuela|acostad[oa]|en la cama)`,
    '(?:me )?despertaste|me acabo de (?:dormir|acostar)|me acabas de despertar|(?:estaba|ya estaba) (?:dormid[oa]|durmiendo|acostad[oa]|en la cama)|en horas? de trabajo',
  ],
  annoyed: [
    'me tienes (?:hart[oa]|cansad[oa]|podrid[oa])|(?:escribes|mandas) demasiado',
    String.raw`por ?que me escribes (?:tanto|siempre|tan seguido|todo el tiempo)|por ?que siempre|pesad[oa]|pesadez|hart[oa]|otra vez|de nuevo\s*\?|otro mensaje`,
    String.raw`demasiados mensajes|me estas cansando|molest[oa]|acabamos de hablar|intens[oa]|insistente|cansin[oa]|agobi\p{L}*|acos\p{L}*|(?:quinto|cuarto|tercer|\d+) mensaje|ya van \p{L}+|pesadilla|hartando|cuant[oa]s (?:mensajes|veces)`,
    'a cada rato|todo el rato|que lata|que fastidio|no paras de|dejame respirar',
  ],
  notNow: [
    'ahora no|ahorita no|no ahora|mas tarde|luego|despues|ocupad\\p{L}*|liad\\p{L}*|no tengo tiempo|en otro momento|otro dia|otro rato|no gracias|no puedo (?:hablar|ahora)',
    'dame un (?:rato|momento|segundo)|no tengo ganas|en un rato|ahora mismo no|no es (?:un )?buen momento|no estoy para|me tengo que ir|tengo que irme',
    '(?:hablamos|mejor|quizas|hasta) manana|manana (?:hablamos|te escribo|te cuento)',
  ],
  negators: 'no|nunca|estuve|estaba',
  invite: ['cuentame|que tal|como estas|dime|que paso|puedo hablar|tengo (?:un )?(?:rato|minuto)'],
  engaged: [
    String.raw`encant\p{L}*`,
    String.raw`jaja\p{L}*|jeje|jsjs|me encanta\p{L}*|increible|genial|que lindo|que bueno|lindo|gracias!|claro|vamos|hola|lo mismo|no manches|wow|alegria|me alegra|leerte|que guay|que risa|por supuesto`,
    '(?:no|nunca) dejes de',
  ],
  neutral: ['que pasa si|quien eres|si (?:pongo|escribo|digo|mando|envio) (?:stop|baja|basta)'],
  negative: ['odio|cansad[oa]|aburrid[oa]|fastidi\\p{L}*|harto|harta'],
};

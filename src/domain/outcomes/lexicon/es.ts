import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "write to me": "escribirme", "mandarme", "enviarme", "hablarme", "molestarme". */
const WRITE = String.raw`(?:escrib|mand|envi|habl|contact|molest|spame)\p{L}*`;
/** The command and subjunctive forms that only a request uses ("no me escribas", not "no me escribiste"). */
const WRITE_COMMAND = String.raw`(?:vuelvas a\s+)?(?:escrib(?:as|an|a)|mand(?:es|en)|envi(?:es|en)|habl(?:es|en)|contact(?:es|en)|molest(?:es|en))`;

/** Spanish cues. */
export const es: Lexicon = {
  lang: 'es',
  stop: [
    String.raw`(?:deja|deje|dejen|dejad)\s+de?\s+${WRITE}`,
    String.raw`(?:puedes|podes|podrias|puede|podrian)\s+dejar\s+de\s+${WRITE}`,
    `no me ${WRITE_COMMAND}`,
    'dejame en paz|dejenme en paz|dejadme en paz|dejame tranquil[oa]|basta de mensajes|basta ya',
    String.raw`(?:darme|me doy|dame|darse) de baja|cancelar (?:la )?suscripcion|desuscrib\p{L}*|no (?:quiero|deseo) (?:recibir )?(?:mas )?(?:tus )?mensajes`,
    alone(String.raw`(?:ya\s+)?(?:basta|para ya|para|stop|vete|largate)`),
  ],
  stopNegators: 'no|nunca|jamas|ni|dijo|dice',
  stopAll: [
    'todos ustedes|todos vosotros|ustedes todos|ninguno de (?:ustedes|vosotros|los bots)|todos los bots|ningun bot|(?:todos los )?personajes',
  ],
  stopTimeQualifiers: [
    'en (?:horario de )?(?:trabajo|clase)|de noche|por la noche|en la madrugada|a estas horas|tan temprano|tan tarde|mientras',
  ],
  wrongTime: [
    String.raw`son las \d{1,2}|de (?:la )?madrugada|a estas horas|a esta hora|(?:es|esta) (?:muy |super |demasiado )?(?:tarde|temprano)|muy temprano|medianoche`,
    String.raw`estoy (?:\p{L}+\s+)?(?:en el trabajo|en la oficina|en clase|en una reunion|en reunion|trabajando|manejando|conduciendo|durmiendo|en la escuela)`,
    'me despertaste|estaba durmiendo',
  ],
  annoyed: [
    String.raw`por ?que me escribes (?:tanto|siempre|tan seguido|todo el tiempo)|por ?que siempre|pesad[oa]|hart[oa]|otra vez tu|otra vez\s*\?|otro mensaje`,
    String.raw`demasiados mensajes|me estas cansando|molest[oa]|acabamos de hablar|intens[oa]|(?:quinto|cuarto|tercer|\d+) mensaje`,
  ],
  notNow: [
    'ahora no|ahorita no|no ahora|mas tarde|luego|despues|ocupad[oa]|no tengo tiempo|en otro momento|otro dia|no gracias|no puedo (?:hablar|ahora)',
    'dame un (?:rato|momento|segundo)|no tengo ganas',
  ],
  negators: 'no|nunca|estuve|estaba',
  invite: ['cuentame|que tal|como estas|dime|que paso|puedo hablar|tengo (?:un )?(?:rato|minuto)'],
  engaged: [
    String.raw`jaja\p{L}*|jeje|jsjs|me encanta\p{L}*|increible|genial|que lindo|que bueno|lindo|gracias!|claro|vamos|hola|lo mismo|no manches|wow`,
    '(?:no|nunca) dejes de',
  ],
  neutral: ['que pasa si'],
  negative: [String.raw`odio|cansad[oa]|aburrid[oa]|fastidi\p{L}*|harto|harta`],
};

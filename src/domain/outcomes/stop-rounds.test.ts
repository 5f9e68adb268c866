import { describe, expect, it } from 'vitest';
import { classifyReply } from './reply-meaning.js';

/**
 * The constructions of stop rounds 4 to 9 (docs/EVALUATION.md), each from the failures of a
 * held-out batch, with the look-alikes that must stay no stop.
 */
interface Round {
  name: string;
  /** Each a stop of this character. */
  stops: string[];
  /** Each a stop of every character. */
  everyone: string[];
  /** None a stop. */
  lookAlikes: string[];
  /** Each a stop limited to a time: a wrong time. */
  wrongTimes: string[];
}

const ROUNDS: Round[] = [
  {
    name: 'round 4: removal, negated commands, passives, polite questions',
    stops: [
      'delete me from this service',
      "done with this. don't write back",
      "I don't want to be contacted by any of you",
      "I'd appreciate it if you stopped messaging me",
      'i said stop',
      'Bitte löschen Sie meine Daten',
      'Ich will nicht mehr, dass du mir schreibst',
      'Schreib nicht zurück',
      'Nachrichten bitte einstellen',
      'Bitte keine SMS mehr an diese Nummer',
      'Lass mich mit deinen Nachrichten in Ruhe',
      'no me interesa, no vuelvas a escribir',
      'no sigas escribiéndome',
      '¿podrías no escribirme más?',
      'me quiero dar de baja',
      'quítenme de esto',
      'no deseo recibir más comunicaciones',
      "merci de m'oublier",
      "arrête de m'inonder de messages",
      'tu peux arrêter stp ?',
      'plus aucun message, merci',
      "je n'ai plus envie de recevoir tes messages",
      'não quero mais ser contatado',
      'me remove daqui',
      'cancela meu cadastro',
      'dá pra parar?',
    ],
    everyone: [
      'every single one of you, stop texting me',
      'cállense todos y déjenme en paz',
      "vous pouvez tous arrêter de m'écrire ?",
      'vocês podem parar de me mandar mensagem?',
    ],
    lookAlikes: [
      "sorry I don't text back fast",
      "I don't want to be contacted by recruiters on LinkedIn lol",
      "I'd be sad if you stopped messaging me",
      'drop me a line later',
      'Bitte entfern mich nicht aus der Gruppe',
      'wie kann ich die Benachrichtigungen einstellen?',
      'tengo que dar de baja mi línea de teléfono',
      "je n'ai plus aucun message de lui",
      'tu peux arrêter de t’excuser, tout va bien',
      'me removeram do grupo da família',
      'como eu sei se tô descadastrado?',
      'arrête, tu me fais rougir 😊',
    ],
    wrongTimes: [],
  },
  {
    name: 'round 5: formal registers, dialects, keywords, conditions',
    stops: [
      'unsubcribe',
      'I do not wish to be contacted further.',
      "I'd really appreciate it if you didn't reach out to me again.",
      'how do i make these messages stop',
      "hör uf mir z'schriebe",
      'schreib ma nimma',
      'wenn du mir nochmal schreibst blockier ich dich',
      'No deseo ser contactado nuevamente',
      'BAJA',
      'me gustaría que dejaras de contactarme',
      'arrete de me texter',
      "J'apprécierais que vous cessiez de m'envoyer des messages.",
      'Por favor, deixe de me enviar mensagens.',
      'Agradecia que deixasse de me contactar.',
      'Não quero voltar a ser contactado',
      'pára de me chatear com mensagens',
      'SAIR',
    ],
    everyone: [],
    lookAlikes: [
      'unsustainable, honestly',
      "I'd be sad if you didn't text me",
      'I do not wish to be contacted by my landlord ever again lol',
      'er schrieb mir nimmer, schade',
      'baja la música jaja',
      'si pongo stop se borra todo?',
      "si j'écris stop je perds tout ?",
      'Verliere ich meine Chats, wenn ich STOP schreibe?',
      "ma prof a dit 'arrêtez d'écrire' à la fin de l'exam mdr",
      'ela deixou de me mandar mensagem',
    ],
    wrongTimes: [
      'no me escribas cuando estoy trabajando',
      "m'écris pas quand je bosse",
      "don't text me when I'm driving",
      'não me manda mensagem quando eu tô trabalhando',
    ],
  },
  {
    name: 'round 6: dropped negations, dialect, subjunctives, every character',
    stops: [
      'Kindly cease all further communication.',
      'schreib mir nich mehr zuerst',
      'Schriib mir bitte nümme',
      'lass mi in Ruh mit deine Nachrichten',
      'Le agradecería que no me contactara más.',
      'no kiero mas mensajes',
      'écris-moi plus en premier',
      "arrête une fois de m'écrire hein",
      'nao quero ser mais contatado',
    ],
    everyone: [
      'i dont want ANY of the characters texting me first, turn it all off',
      'unsubscribe me from everything, every single bot',
      'ich will von keinem von euch mehr nachrichten bekommen',
      'bitte bei allen charakteren abmelden',
      "je veux qu'aucun personnage ne m'écrive plus",
      'Deixem todos de me contactar, por favor.',
    ],
    lookAlikes: [
      'écris-moi plus souvent !',
      'I should stop texting you so late lol',
      'just stop texting him, he is not worth it',
      'does typing stop turn off all of you or just this one?',
    ],
    wrongTimes: [
      'no me mandes nada antes de las 9 porfa',
      'não me escrevas antes das 9h, por favor',
      "ne m'écris pas avant 8h",
    ],
  },
  {
    name: 'round 7: switching off, threats, learners, formal requests',
    stops: [
      'how do i turn these messages off??',
      'text me one more time and ur blocked',
      'i dont need the daily check ins anymore',
      'I would appreciate it if you no longer contacted me.',
      'i not want this message anymore please',
      "I'd like to be removed from this service.",
      'die täglichen nachrichten bitte ausschalten',
      'noch eine nachricht und du bist blockiert',
      'nimm mich da raus',
      'ich nicht mehr wollen nachricht von dir bitte',
      'Ich bitte darum, aus dem Verteiler entfernt zu werden.',
      'ya stop con los mensajes',
      'yo no quiero mas tus mensaje por favor',
      'jveux plus recevoir ces messages',
      'Je souhaiterais ne plus être sollicité par ce service.',
      'svp vous arrête envoyer les message a moi',
      'nao quero mais isso, cancela',
      'como faço pra parar de receber isso?',
      'eu não quer mais mensagem de você',
    ],
    everyone: [
      'u guys all need to stop messaging me',
      'Bitte stellen Sie sämtliche Nachrichten aller Charaktere ein.',
      'Ich möchte von keinem Charakter mehr Nachrichten bekommen.',
      "je veux plus qu'aucun perso m'envoie de message",
    ],
    lookAlikes: [
      'turn the lights off lol, I can see them from here',
      "and you're blocking the view haha",
      'stell die Nachrichten lauter ein',
      "il arrête pas de m'envoyer des messages, mon frère",
      'não consigo parar de receber spam no email',
    ],
    wrongTimes: ["stop messaging me before 9am, i'm asleep"],
  },
  {
    name: 'round 8: switching messages off, formal removal, colloquial forms',
    stops: [
      'Please discontinue contact.',
      'kannst du aufhören mich ständig anzuschreiben?',
      'wie meld ich mich hier ab??',
      'noch eine nachricht und du bist geblockt',
      'bitte nicht mehr von dir aus melden, ich schreib wenn ich will',
      'schreib mir nicht immer zuerst. ich melde mich wenn ich will',
      'Ich möchte nicht länger kontaktiert werden.',
      'k dejes de escribirme wey, ya',
      'Le agradecería que no me volviera a contactar.',
      'Veuillez me retirer de cette liste s’il vous plaît.',
      'comment je fais pour plus recevoir ces messages',
      'como eu desativo essas mensagens??',
      'Peço que não me contacte mais.',
      'Gostaria de deixar de receber estas mensagens, por favor.',
    ],
    everyone: [
      'turn off proactive messages for every character pls',
      'Bitte stellen Sie die Nachrichten sämtlicher Figuren für mich ab.',
      'desactiven los mensajes de todos los personajes xfa',
      'désactivez les messages de tous les persos svp',
      'desativa as mensagens de todos os personagens pra mim',
      'nenhum de vcs bots me manda msg de novo',
    ],
    lookAlikes: [
      'dont you dare stop texting me lol',
      'how do I turn off read receipts on this phone?',
      'wie meld ich mich beim Arzt ab?',
      'para que sirve lo de darse de baja?',
      'vou deixar de receber salário?',
    ],
    wrongTimes: ['stop messaging me during my shifts'],
  },
  {
    name: 'round 9: usted, dropped apostrophes, conjunctions, stem changes',
    stops: [
      'I would appreciate it if you stopped sending me these notifications.',
      'nerv nicht und schreib mir nie wieder',
      'Por favor, no me envíe más mensajes.',
      'Gracias por todo, pero prefiero no recibir más mensajes.',
      'ne m ecris plus',
      'me contacte plus',
      'Bitte tragen Sie mich aus der Liste aus.',
    ],
    everyone: [
      'none of you characters should ever text me first again',
      'denme de baja de todos los personajes',
      'je veux que tous les personnages arrêtent de me contacter',
      'Bitte deaktivieren Sie die Nachrichten aller Charaktere.',
      'desliga as mensagens de todos os bots pfv',
    ],
    lookAlikes: [
      'tu me contactes plus jamais 😢',
      'hör auf, ich werd rot 🙈',
      'ça fait quoi de se désabonner ?',
      'mes amis arrêtent de m’écrire, je sais pas pourquoi',
      "don't stop, and tell me more",
    ],
    wrongTimes: ['não me manda mensagem no horário de trabalho'],
  },
];

describe.each(ROUNDS)('classifyReply, stop $name', (round) => {
  it('reads its constructions as a stop, and their look-alikes as none', () => {
    for (const text of round.stops) expect(classifyReply(text).meaning, text).toBe('stop');
    for (const text of round.lookAlikes) expect(classifyReply(text).meaning, text).not.toBe('stop');
  });

  if (round.everyone.length > 0)
    it('gives every character the stop where the reply names them all', () => {
      for (const text of round.everyone)
        expect(classifyReply(text), text).toMatchObject({ meaning: 'stop', scope: 'all' });
    });

  if (round.wrongTimes.length > 0)
    it('reads a stop limited to a time as a wrong time', () => {
      for (const text of round.wrongTimes) expect(classifyReply(text).meaning, text).toBe('wrong_time');
    });
});

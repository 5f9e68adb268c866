import { describe, expect, it } from 'vitest';
import { classifyReply, type Meaning, REPLY_MEANINGS } from './reply-meaning.js';

const meaningOf = (text: string) => classifyReply(text).meaning;

describe('classifyReply: the issue examples', () => {
  it.each([
    ['stop messaging me', 'stop'],
    ["don't text me first", 'stop'],
    ['unsubscribe', 'stop'],
    ['leave me alone', 'stop'],
    ['stahp', 'stop'],
    ['pls stop txting me', 'stop'],
    ['haha ok but seriously stop texting me', 'stop'],
    ['busy, later', 'not_now'],
    ['not now', 'not_now'],
    ["it's 3am", 'wrong_time'],
    ["I'm at work", 'wrong_time'],
    ['why do you keep texting me', 'annoyed'],
  ] as [string, Meaning][])('%s -> %s', (text, meaning) => {
    expect(meaningOf(text)).toBe(meaning);
  });

  it('reads look-alikes and negations as no refusal', () => {
    for (const text of [
      'now',
      'I know',
      'we drove north',
      'no worries, go on',
      "don't stop",
      'please never stop texting me',
    ]) {
      expect(['engaged', 'neutral']).toContain(meaningOf(text));
    }
  });

  it('reads "stopover", "non-stop", "parar de rir" and a quoted stop as no stop', () => {
    for (const text of [
      'the stopover was lovely',
      'worked non-stop today',
      'não consigo parar de rir',
      "my boss said 'stop texting at work' lol",
    ]) {
      expect(meaningOf(text)).not.toBe('stop');
    }
  });
});

describe('classifyReply: scope of a stop', () => {
  it('is all when the reply addresses every character', () => {
    expect(classifyReply('stop messaging me, all of you')).toMatchObject({ meaning: 'stop', scope: 'all' });
    expect(classifyReply('none of you bots text me again')).toMatchObject({ meaning: 'stop', scope: 'all' });
    expect(classifyReply('ihr alle, hört auf mir zu schreiben')).toMatchObject({ scope: 'all' });
  });

  it('is character otherwise, and absent on other meanings', () => {
    expect(classifyReply('stop messaging me')).toMatchObject({ meaning: 'stop', scope: 'character' });
    expect(classifyReply('ok').scope).toBeUndefined();
  });
});

describe('classifyReply: a handful per language and meaning', () => {
  const cases: Record<string, [string, Meaning][]> = {
    en: [
      ['please stop sending me these', 'stop'],
      ['never text me again', 'stop'],
      ['haha yes, tell me more!', 'engaged'],
      ['no way, that is amazing', 'engaged'],
      ['ok', 'neutral'],
      ['can we talk another time', 'not_now'],
      ["I'm in a meeting right now", 'wrong_time'],
      ['you text way too much', 'annoyed'],
    ],
    de: [
      ['hör auf mir zu schreiben', 'stop'],
      ['lass mich bitte in Ruhe', 'stop'],
      ['hör nicht auf, das ist so schön', 'engaged'],
      ['danke', 'neutral'],
      ['jetzt nicht, später', 'not_now'],
      ['es ist 2 Uhr nachts', 'wrong_time'],
      ['du nervst echt', 'annoyed'],
    ],
    es: [
      ['deja de escribirme', 'stop'],
      ['no me escribas más', 'stop'],
      ['no dejes de escribirme jaja', 'engaged'],
      ['vale', 'neutral'],
      ['ahora no, luego hablamos', 'not_now'],
      ['estoy en clase', 'wrong_time'],
      ['qué pesado', 'annoyed'],
    ],
    fr: [
      ["arrête de m'écrire", 'stop'],
      ['laisse-moi tranquille', 'stop'],
      ["n'arrête pas de m'écrire, j'adore", 'engaged'],
      ["d'accord", 'neutral'],
      ['pas maintenant, plus tard', 'not_now'],
      ['je suis au travail', 'wrong_time'],
      ['tu me saoules', 'annoyed'],
    ],
    pt: [
      ['para de me mandar mensagem', 'stop'],
      ['me deixa em paz', 'stop'],
      ['não para de me mandar mensagem, adoro', 'engaged'],
      ['beleza', 'neutral'],
      ['agora não, mais tarde', 'not_now'],
      ['tô no trabalho', 'wrong_time'],
      ['que saco', 'annoyed'],
    ],
  };
  for (const [lang, rows] of Object.entries(cases)) {
    it.each(rows)(`${lang}: %s -> %s`, (text, meaning) => {
      expect(meaningOf(text)).toBe(meaning);
    });
  }
});

describe('classifyReply: messaging verbs with stop, no more and a negation', () => {
  it.each([
    ['this needs to stop. now.', 'stop'],
    ['I want these messages to end', 'stop'],
    ["I don't want any of you texting me", 'stop'],
    ["no more, I'm done", 'stop'],
    ['remove my number', 'stop'],
    ["I'm opting out", 'stop'],
    ['schreib nicht mehr', 'stop'],
    ['nie wieder schreiben bitte', 'stop'],
    ['niemand von euch soll mir schreiben', 'stop'],
    ['keine weiteren Nachrichten bitte', 'stop'],
    ['lass das mit den Nachrichten', 'stop'],
    ['quiero que pares de escribirme', 'stop'],
    ['nadie de ustedes me escriba', 'stop'],
    ['¡déjame ya en paz!', 'stop'],
    ['arrête tes messages', 'stop'],
    ['laisse-moi en paix', 'stop'],
    ['pas de messages svp', 'stop'],
    ["que personne parmi vous ne m'écrive", 'stop'],
    ['para com essas mensagens', 'stop'],
    ['nunca mais fala comigo', 'stop'],
    ['kindly cease all communication', 'stop'],
    ['none of you need to message me ever again', 'stop'],
    ['STOP STOP STOP', 'stop'],
    ['hör endlich auf mir dauernd zu schreiben', 'stop'],
    ['ich will von euch allen nichts mehr hören', 'stop'],
    ['no quiero que me escribas', 'stop'],
    ['merci de ne plus me solliciter', 'stop'],
    ['retire-moi de la liste', 'stop'],
    ['tira meu número dessa lista', 'stop'],
  ] as [string, Meaning][])('%s -> %s', (text, meaning) => {
    expect(meaningOf(text)).toBe(meaning);
  });

  it('reads the same constructions negated, reported or about someone else as no stop', () => {
    for (const text of [
      "it doesn't need to stop, I like them",
      'nadie me escribe nunca 😢',
      'no more coffee for me today lol',
      'você não para de mandar mensagem',
      'hör auf zu lachen 😂',
      'no one texts me anymore lol',
      "I don't want my boss texting me on sundays",
      'ich will nichts mehr hören von der Arbeit heute',
    ]) {
      expect(meaningOf(text)).not.toBe('stop');
    }
  });
});

describe('classifyReply: questions, other people, lone imperatives, preferences and "enough"', () => {
  it('reads a question about what an unsubscribe word means or does as neutral, in each language', () => {
    for (const text of [
      'what does unsubscribe do?',
      'if I unsubscribe do I lose my chats?',
      'what happens if I stop texting you',
      'was heißt abmelden hier?',
      '¿qué significa darse de baja?',
      'ça veut dire quoi se désabonner ?',
      'si je me désabonne, je perds tout ?',
      'o que é descadastrar?',
    ]) {
      expect(classifyReply(text)).toMatchObject({ meaning: 'neutral' });
    }
    expect(classifyReply('what does unsubscribe do?').cue).toBe('neutral:en:unsubscribe');
  });

  it('still reads a request phrased as a question as a stop', () => {
    for (const text of [
      'can you stop texting me?',
      'how do I unsubscribe?',
      '¿puedes dejar de escribirme?',
      "tu peux arrêter de m'écrire stp ?",
      'what is this, stop texting me',
    ]) {
      expect(meaningOf(text)).toBe('stop');
    }
  });

  it('reads someone else who must stop as no stop, and you who must stop as a stop', () => {
    for (const text of [
      'my ex needs to stop texting me lol',
      'my boss should stop messaging me on weekends',
      'he has to stop texting me',
      'mein Chef soll aufhören, mir zu schreiben',
      'mi ex tiene que parar de escribirme',
      "mon voisin doit arrêter de m'envoyer des photos",
      'minha chefe precisa parar de me mandar mensagem',
      'ela não me liga mais',
    ]) {
      expect(meaningOf(text)).not.toBe('stop');
    }
    expect(meaningOf('you need to stop texting me')).toBe('stop');
    expect(meaningOf('não me liga mais')).toBe('stop');
  });

  it('takes a lone stop word with an adverb of urgency after it, in its own language only', () => {
    for (const text of ['vete ya', 'dégage maintenant', 'stopp jetzt', 'para já', 'stop right now']) {
      expect(meaningOf(text)).toBe('stop');
    }
    expect(meaningOf('some now, some later')).not.toBe('stop');
    expect(meaningOf('para mim')).not.toBe('stop');
  });

  it('reads a preference not to get messages as a stop, and other preferences as none', () => {
    for (const text of [
      "I'd prefer not to get messages from you",
      "I'd rather you didn't text me",
      'prefiero que no me escribas',
      'je préfère ne plus recevoir de messages',
      'ich möchte keine Nachrichten mehr',
      'prefiro não receber mensagens',
    ]) {
      expect(meaningOf(text)).toBe('stop');
    }
    for (const text of [
      "I'd rather not get into it",
      "I'd rather not call him tonight",
      'prefiero no salir hoy',
    ]) {
      expect(meaningOf(text)).not.toBe('stop');
    }
  });

  it('reads "enough of the messages" in each language as a stop, and its look-alikes as none', () => {
    for (const text of [
      'enough with the messages',
      'no more pings please',
      'end these messages',
      'Schluss mit den Nachrichten',
      'Melde mich bitte ab',
      'basta de notificaciones',
      'assez de messages',
      'chega dessas mensagens',
      'quero sair dessa lista',
    ]) {
      expect(meaningOf(text)).toBe('stop');
    }
    for (const text of [
      'Schluss für heute, morgen weiter',
      'ich melde mich ab und zu',
      "tu m'envoies pas assez de messages",
      'chega mais, conta aí',
      'end this conversation on a high note haha',
    ]) {
      expect(meaningOf(text)).not.toBe('stop');
    }
  });

  it('gives every character the stop when the reply names them all', () => {
    for (const text of [
      'niemand von euch soll mir schreiben',
      'lasst mich alle in Ruhe',
      'todos, dejen de escribirme',
      'nadie de ustedes me escriba',
      "que personne parmi vous ne m'écrive",
    ]) {
      expect(classifyReply(text)).toMatchObject({ meaning: 'stop', scope: 'all' });
    }
  });
});

describe('classifyReply: stop round 4 (removal, negated commands, passives, polite questions)', () => {
  it("reads removal of oneself or one's data, negated commands and passives as a stop", () => {
    for (const text of [
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
    ]) {
      expect(meaningOf(text), text).toBe('stop');
    }
  });

  it('reads their look-alikes as no stop', () => {
    for (const text of [
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
    ]) {
      expect(meaningOf(text), text).not.toBe('stop');
    }
  });

  it('gives every character the stop in the new forms of address', () => {
    for (const text of [
      'every single one of you, stop texting me',
      'cállense todos y déjenme en paz',
      "vous pouvez tous arrêter de m'écrire ?",
      'vocês podem parar de me mandar mensagem?',
    ]) {
      expect(classifyReply(text), text).toMatchObject({ meaning: 'stop', scope: 'all' });
    }
  });
});

describe('classifyReply: stop round 5 (formal registers, dialects, keywords, conditions)', () => {
  it('reads formal and dialect requests, opt-out keywords and threats as a stop', () => {
    for (const text of [
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
    ]) {
      expect(meaningOf(text), text).toBe('stop');
    }
  });

  it('reads their look-alikes as no stop', () => {
    for (const text of [
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
    ]) {
      expect(meaningOf(text), text).not.toBe('stop');
    }
  });

  it('makes a stop limited to "when I am …" a wrong time', () => {
    for (const text of [
      'no me escribas cuando estoy trabajando',
      "m'écris pas quand je bosse",
      "don't text me when I'm driving",
      'não me manda mensagem quando eu tô trabalhando',
    ]) {
      expect(meaningOf(text), text).toBe('wrong_time');
    }
  });
});

describe('classifyReply: stop round 6 (dropped negations, dialect, subjunctives, every character)', () => {
  it('reads them as a stop', () => {
    for (const text of [
      'Kindly cease all further communication.',
      'schreib mir nich mehr zuerst',
      'Schriib mir bitte nümme',
      'lass mi in Ruh mit deine Nachrichten',
      'Le agradecería que no me contactara más.',
      'no kiero mas mensajes',
      'écris-moi plus en premier',
      "arrête une fois de m'écrire hein",
      'nao quero ser mais contatado',
    ]) {
      expect(meaningOf(text), text).toBe('stop');
    }
    for (const text of [
      'i dont want ANY of the characters texting me first, turn it all off',
      'unsubscribe me from everything, every single bot',
      'ich will von keinem von euch mehr nachrichten bekommen',
      'bitte bei allen charakteren abmelden',
      "je veux qu'aucun personnage ne m'écrive plus",
      'Deixem todos de me contactar, por favor.',
    ]) {
      expect(classifyReply(text), text).toMatchObject({ meaning: 'stop', scope: 'all' });
    }
  });

  it('reads their look-alikes as no stop, and a stop before an hour as a wrong time', () => {
    for (const text of [
      'écris-moi plus souvent !',
      'I should stop texting you so late lol',
      'just stop texting him, he is not worth it',
      'does typing stop turn off all of you or just this one?',
    ]) {
      expect(meaningOf(text), text).not.toBe('stop');
    }
    for (const text of [
      'no me mandes nada antes de las 9 porfa',
      'não me escrevas antes das 9h, por favor',
      "ne m'écris pas avant 8h",
    ]) {
      expect(meaningOf(text), text).toBe('wrong_time');
    }
  });
});

describe('classifyReply: stop round 7 (switching off, threats, learners, formal requests)', () => {
  it('reads them as a stop', () => {
    for (const text of [
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
    ]) {
      expect(meaningOf(text), text).toBe('stop');
    }
    for (const text of [
      'u guys all need to stop messaging me',
      'Bitte stellen Sie sämtliche Nachrichten aller Charaktere ein.',
      'Ich möchte von keinem Charakter mehr Nachrichten bekommen.',
      "je veux plus qu'aucun perso m'envoie de message",
    ]) {
      expect(classifyReply(text), text).toMatchObject({ meaning: 'stop', scope: 'all' });
    }
  });

  it('reads their look-alikes as no stop, and a stop before an hour as a wrong time', () => {
    for (const text of [
      'turn the lights off lol, I can see them from here',
      "and you're blocking the view haha",
      'stell die Nachrichten lauter ein',
      "il arrête pas de m'envoyer des messages, mon frère",
      'não consigo parar de receber spam no email',
    ]) {
      expect(meaningOf(text), text).not.toBe('stop');
    }
    expect(meaningOf("stop messaging me before 9am, i'm asleep")).toBe('wrong_time');
  });
});

describe('classifyReply: stop round 8 (switching messages off, formal removal, colloquial forms)', () => {
  it('reads them as a stop', () => {
    for (const text of [
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
    ]) {
      expect(meaningOf(text), text).toBe('stop');
    }
    for (const text of [
      'turn off proactive messages for every character pls',
      'Bitte stellen Sie die Nachrichten sämtlicher Figuren für mich ab.',
      'desactiven los mensajes de todos los personajes xfa',
      'désactivez les messages de tous les persos svp',
      'desativa as mensagens de todos os personagens pra mim',
      'nenhum de vcs bots me manda msg de novo',
    ]) {
      expect(classifyReply(text), text).toMatchObject({ meaning: 'stop', scope: 'all' });
    }
  });

  it('reads their look-alikes as no stop', () => {
    for (const text of [
      'dont you dare stop texting me lol',
      'how do I turn off read receipts on this phone?',
      'wie meld ich mich beim Arzt ab?',
      'para que sirve lo de darse de baja?',
      'vou deixar de receber salário?',
    ]) {
      expect(meaningOf(text), text).not.toBe('stop');
    }
    expect(meaningOf('stop messaging me during my shifts')).toBe('wrong_time');
  });
});

describe('classifyReply: stop round 9 (usted, dropped apostrophes, conjunctions, stem changes)', () => {
  it('reads them as a stop', () => {
    for (const text of [
      'I would appreciate it if you stopped sending me these notifications.',
      'nerv nicht und schreib mir nie wieder',
      'Por favor, no me envíe más mensajes.',
      'Gracias por todo, pero prefiero no recibir más mensajes.',
      'ne m ecris plus',
      'me contacte plus',
      'Bitte tragen Sie mich aus der Liste aus.',
    ]) {
      expect(meaningOf(text), text).toBe('stop');
    }
    for (const text of [
      'none of you characters should ever text me first again',
      'denme de baja de todos los personajes',
      'je veux que tous les personnages arrêtent de me contacter',
      'Bitte deaktivieren Sie die Nachrichten aller Charaktere.',
      'desliga as mensagens de todos os bots pfv',
    ]) {
      expect(classifyReply(text), text).toMatchObject({ meaning: 'stop', scope: 'all' });
    }
  });

  it('reads their look-alikes as no stop', () => {
    for (const text of [
      'tu me contactes plus jamais 😢',
      'hör auf, ich werd rot 🙈',
      'ça fait quoi de se désabonner ?',
      'mes amis arrêtent de m’écrire, je sais pas pourquoi',
      "don't stop, and tell me more",
    ]) {
      expect(meaningOf(text), text).not.toBe('stop');
    }
    expect(meaningOf('não me manda mensagem no horário de trabalho')).toBe('wrong_time');
  });
});

describe('classifyReply: the result', () => {
  it('names the cue that decided, for the decision trace', () => {
    expect(classifyReply('stop messaging me').cue).toBe('stop:en:stop messaging me');
    expect(classifyReply('Arrête de m’écrire').cue).toBe("stop:fr:arrete de m'ecrire");
    expect(classifyReply('ok').cue).toBeNull();
  });

  it('makes a stop limited to a time a wrong time, and says so in the cue', () => {
    const r = classifyReply('stop texting me at work');
    expect(r.meaning).toBe('wrong_time');
    expect(r.cue).toBe('wrong_time:en:stop texting me');
  });

  it('keeps polarity within -1..1, warmer for engaged than for stop', () => {
    const warm = classifyReply('haha I love this, thank you ❤️').polarity;
    const cold = classifyReply('ugh stop texting me, I hate this').polarity;
    expect(warm).toBeGreaterThan(0.5);
    expect(cold).toBeLessThan(-0.8);
    expect(cold).toBeGreaterThanOrEqual(-1);
  });

  it('exports every meaning once', () => {
    expect(new Set(REPLY_MEANINGS).size).toBe(6);
  });
});

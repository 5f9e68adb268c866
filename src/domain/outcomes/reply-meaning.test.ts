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

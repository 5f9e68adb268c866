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

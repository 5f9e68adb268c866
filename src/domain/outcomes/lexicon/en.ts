import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "message": "texting", "txting", "msging", "messagin", "dming", "hitting me up". */
const MESSAGE = String.raw`(?:text|txt|mess?ag|msg|mssg|writ|contact|dm|ping|spam|bother|email|call|hit(?:ting)? me up)[\p{L}']*`;
const MESSAGES = '(?:messages|msgs|texts|txts|notifications|notifs|reminders|check-?ins)';

/** English cues. */
export const en: Lexicon = {
  lang: 'en',
  stop: [
    String.raw`stop+\s+(?:${MESSAGE})(?:\s+me)?`,
    String.raw`stop+\s+sending(?:\s+me)?(?:\s+\p{L}+)?\s+${MESSAGES}`,
    String.raw`(?:do not|don'?t|dont|never)\s+(?:ever\s+)?(?:${MESSAGE})\s+me`,
    String.raw`(?:not|n'?t)\s+(?:${MESSAGE})\s+me(?:\s+first)?\s+(?:anymore|any more|again|ever)`,
    String.raw`rather you didn'?t\s+(?:${MESSAGE})`,
    'leave me (?:alone|be)|go away|get lost|(?:fuck|piss|buzz) off',
    String.raw`unsub(?:scribe)?|opt(?:\s+me)?\s+out|opt-out|remove me|take me off`,
    String.raw`(?:do not|don'?t|dont) want (?:any more|any|your|these|those|this|more)(?:\s+\p{L}+)?\s+${MESSAGES}`,
    `no more ${MESSAGES}`,
    '(?:turn|switch) off (?:these|this|the|your)|how (?:do|can) i (?:turn (?:off|these off|this off)|stop|disable|mute|unsubscribe)',
    'block(?:ing)? you',
    alone(
      String.raw`(?:(?:pls|plz|please|just|ok|omg|no)\s+)?(?:stop|stahp|stap)(?:\s+it)?(?:\s+(?:please|pls|plz|now|already))?`,
    ),
  ],
  stopNegators: `don'?t|dont|do not|never|not|can'?t|cant|cannot|won'?t|wouldn'?t|shouldn'?t|didn'?t|(?:told|asked|tells|telling) (?:me|him|her|us|them) to|said to|if i say|if i said|what if`,
  stopAll: [
    'all of (?:you|u|ya)|(?:none|any|each|every one|neither) of (?:you|u|ya|your|these|the)',
    `you (?:bots|all|guys|people)|y'?all`,
    '(?:all|every|any|none of) (?:the |these |your |of your |of the )?(?:bots?|characters?|ais?)',
    'every(?:one|body) (?:here|of you)',
  ],
  stopTimeQualifiers: [
    'at work|at school|in class|during (?:work|class|school|the day|the night|meetings?)|at night|in the (?:morning|night)',
    String.raw`so early|so late|this early|this late|at this hour|while i'?m|after (?:\d|midnight)|before (?:\d|noon)|on (?:weekdays|weekends)|at \d`,
  ],
  wrongTime: [
    String.raw`it'?s\s+(?:like\s+|literally\s+)?(?:\d{1,2}(?::\d\d)?\s*(?:am|a\.m\.|in the morning|at night)|midnight|(?:so |super |really |way too |too )?(?:late|early))`,
    String.raw`(?:i'?m|im|i am)\s+(?:still\s+|currently\s+|literally\s+)?(?:at work|at school|in class|in (?:a )?meeting|in a call|on a call|driving|sleeping|asleep|in bed|working)`,
    String.raw`(?:at work|in class|in (?:a )?meeting)\s+(?:rn|right now|atm)|^(?:in (?:a )?meeting|at work|in class|driving)`,
    '(?:was|were) (?:asleep|sleeping)|woke me(?: up)?|trying to sleep|middle of the night|at this hour|this time of (?:night|day)|too (?:early|late) for|go to sleep',
  ],
  annoyed: [
    String.raw`why (?:do|are|would|does) you (?:keep|always|constantly|still)|why (?:do|are) you (?:\p{L}+ )?(?:text|messag|msg)\p{L}*`,
    `(?:you(?:'re| are| r)?|ur|this is|that'?s|it'?s) (?:so |really |getting |kinda |very |super |being )*(?:annoying|irritating|clingy|creepy|needy|pushy|spammy|too much)`,
    'annoying|clingy|(?:another|one more|yet another) (?:message|text|msg|notification)',
    String.raw`(?:\d+(?:st|nd|rd|th)?|second|third|fourth|fifth|tenth) (?:message|text|msg)s? (?:today|this (?:morning|week|hour))`,
    String.raw`(?:text|messag|msg)\p{L}* (?:me )?(?:way |so |far )?too (?:much|often|many)|too many ${MESSAGES}`,
    String.raw`chill with|calm down|nobody asked|no one asked|what now|what do you want (?:now|again)|again\s*\?|just (?:talked|spoke|chatted)`,
  ],
  notNow: [
    `not (?:now|rn|right now|today|tonight)|(?:maybe |talk |ttyl |text me |see you )?later|ttyl|brb|busy|can'?t (?:talk|chat)|cant (?:talk|chat)`,
    `(?:another|some other) time|get back to you|give me (?:a )?(?:few|sec|minute|min|bit)|gimme|no thanks|no thank you|not (?:really )?in the mood|rain check|i'?m good`,
  ],
  negators: `not|never|n'?t|no longer|wasn'?t`,
  invite: [
    `talk to me|tell me (?:more|everything|about)|what'?s up|go on|go ahead|how are you|how r u|how'?s it going|what happened`,
    `i'?ve got (?:a )?(?:minute|sec|moment)|i have (?:a )?(?:minute|sec|moment)|i can talk`,
  ],
  engaged: [
    String.raw`haha\p{L}*|hehe|lol|lmao|omg|love|loved|awesome|amazing|great|cool|nice|sweet|yay|yes|yess|exactly|excited|glad|happy|wow|best|blush\p{L}*`,
    `thank you|thanks!|missed you|miss you|so good|made my day|(?:don'?t|never) (?:ever )?stop|keep (?:texting|messaging|going)`,
  ],
  neutral: ['what (?:do you mean|happens if)|what if i'],
  negative: [String.raw`ugh|hate|annoy\p{L}*|weird|creepy|tired|sick of|fed up|seriously|stop|leave|block`],
};

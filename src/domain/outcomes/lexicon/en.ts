import { alone, type Lexicon } from './lexicon.js';

/** Ways of saying "message": "texting", "txting", "msging", "messagin", "dming", "hitting me up", "bugging". */
const MESSAGE = String.raw`(?:text|txt|mess?ag|msg|mssg|writ|contact|dm|ping|spam|bother|bug|pester|harass|email|call|reach(?:ing)? out|hit(?:ting)? me up)[\p{L}']*`;
const MESSAGES =
  '(?:messages|msgs|texts|txts|notifications|notifs|reminders|check[- ]?ins|pings|dms|emails|alerts|stuff|things)';

/** English cues. */
export const en: Lexicon = {
  lang: 'en',
  stop: [
    `(?:don'?t|do not|dont) (?:want|wanna|need) (?:to )?(?:get|receive|see) (?:these|this|them|those|your|any)`,
    'leave me (?:the (?:hell|fuck) )?alone',
    String.raw`(?:stop+|stpo|sotp|quit|cease)\s+(?:${MESSAGE})(?:\s+me)?(?!\s+(?:you|u|him|her|them|people)(?![\p{L}']))`,
    String.raw`stop+\s+sending(?:\s+me)?(?:\s+\p{L}+)?\s+${MESSAGES}|stop+\s+sending\s+me`,
    String.raw`(?:do not|don'?t|dont|never)\s+(?:ever\s+)?(?:${MESSAGE})\s+me`,
    String.raw`(?:not|n'?t)\s+(?:${MESSAGE})\s+(?:to\s+)?me(?:\s+first)?\s+(?:anymore|any more|again|ever)`,
    String.raw`rather you didn'?t\s+(?:${MESSAGE})|refrain from\s+(?:${MESSAGE})|stop+\s+with\s+(?:the |these |your |all the |all these )?${MESSAGES}`,
    String.raw`(?:don'?t|dont|do not|never)\s+(?:\p{L}+\s+){0,2}(?:${MESSAGE})\s+(?:me\s+)?(?:\p{L}+\s+){0,2}(?:again|anymore|any more)`,
    // "none of you bots text me again", "nobody should message me": a request takes the base form or a
    // modal; "no one texts me anymore" is a lament, so a verb ending in a single s does not count
    String.raw`(?:none of (?:you|u|ya|your|these|the)|nobody|no one|no bots?|not one of you)(?:\s+\p{L}+)?\s+(?:(?:should|may|can|is to|needs? to|is allowed to|gets? to|ever)(?:\s+ever)?(?:\s+be)?\s+)?(?:${MESSAGE})(?<![^s]s)\s+me`,
    'leave me (?:alone|be)|let me be|go away|get lost|(?:fuck|piss|buzz) off|lose my number|delete my (?:number|account|data)',
    String.raw`unsub\p{L}*|unsusc?ri\p{L}*|opt(?:ing|ed)?(?:\s+me)?\s+out|opt-out|remove me|take me off|block(?:ing)? (?:you|u|this)|(?:remove|delete|erase) my (?:number|account|data|info|details)`,
    // "can you not text me", "stop getting these", "cease all communication", "i want out"
    `(?:can|could|would|will) (?:you|u) (?:please |pls |just )?not (?:${MESSAGE})`,
    `(?:stop+|quit) (?:getting|receiving) (?:these|this|them|those|your|any|all|${MESSAGES})|(?:cease|end|stop+|halt) (?:all )?(?:further |future )?(?:communications?|contact)|want out|count me out`,
    // "this needs to stop", "I want these messages to end", "I don't want any of you texting me"
    `(?:this|these|it|that|they|the ${MESSAGES}|your ${MESSAGES}) (?:needs? to|has to|have to|must|gotta) (?:stop|end)`,
    `(?:want|need) (?:you|this|these|it|them|the|your|those)(?: ${MESSAGES})? to (?:stop|end)`,
    // the addressee must be the character(s): "I don't want my boss texting me on Sundays" is no stop
    String.raw`(?:don'?t|dont|do not) want (?:you|u|y'?all|any(?:one| of you| of u| bots?| of (?:the|your|these) (?:bots|characters))|either of you|you (?:guys|bots|all)|bots|this bot)\s+(?:\p{L}+\s+)?(?:${MESSAGE})\s+me`,
    String.raw`(?:do not|don'?t|dont) (?:want|need) (?:any more|any|your|these|those|this|more|the)(?:\s+\p{L}+)?\s+${MESSAGES}`,
    // "how do i turn these messages off", "turn them off"; "i not want this message anymore" (a learner's English)
    String.raw`(?:turn|switch|shut) (?:(?:these|the|your|those|all (?:these|the|your))(?: \p{L}+)? ${MESSAGES}|these) off|(?:i|me) (?:not|no) (?:want|need|like) (?:this|these|your|the|any)(?: \p{L}+)? (?:messages?|texts?|notifications?)`,
    // threats: "text me one more time and ur blocked"; "I'd like to be removed from this service"
    String.raw`(?:and|or) (?:you'?re|ur|you are|u r|u are) (?:\p{L}+ )?blocked|(?:and|or) (?:i'?ll|i will|im gonna|i'?m gonna|i'?m going to) block (?:you|u|ya|this)|(?:like|want|wish|need|ask) to be (?:removed|unsubscribed|taken off|deleted|opted out)`,
    `(?:do not|don'?t|dont|never) (?:want|wanna) (?:to )?(?:hear from|talk to|speak to|get (?:messages|texts) from) (?:you|u|any|either)`,
    // "I'd prefer not to get messages from you", "I'd rather you didn't text me", "rather not hear from you"
    String.raw`(?:prefer|rather)(?: it)?(?: if| that)?(?: you| u)? (?:not|didn'?t|did not|wouldn'?t|would not|don'?t|do not|never)(?: to)? (?:(?:get|receive|see) (?:any|these|this|them|those|your|more|${MESSAGES})|hear from (?:you|u|any|either|this)|be (?:contacted|messaged|texted|bothered)|(?:${MESSAGE})\s+me)|rather you (?:stopped|quit) (?:${MESSAGE})`,
    `(?:end|halt) (?:these|this|the|your|all (?:these|the|your)) (?:messages|msgs|texts|notifications|pings)`,
    `no more ${MESSAGES}|enough (?:with|of) (?:the |these |your |all the |all these )?${MESSAGES}|make (?:it|this|them|these|you|(?:these|the|your|those|all these|all the) ${MESSAGES}) stop`,
    '(?:turn|switch) off (?:these|this|the|your|all|everything)|(?:turn|switch) (?:it|this|them|these) all off|(?:turn|switch) (?:all|everything) off|how (?:do|can) i (?:turn (?:off|these off|this off)|stop|disable|mute|unsubscribe|opt out)(?=\\s*(?:[?.!]|$)|\\s+(?:these|this|them|it|you|your|the (?:messages|notifications|texts|bot|bots)|messages|notifications|texts|(?:from|with) (?:this|you)|every|all|each|any))',
    // "delete me from this service", "drop me from the list", "cancel my account"
    String.raw`(?:remove|delete|erase|drop|kick|cross|scratch|wipe) me (?:off|out of|from)|delete me|(?:cancel|close|delete|deactivate|remove) my (?:account|subscription|profile)`,
    // "don't write back", "never text again"; "I don't want to be contacted"; "if you stopped messaging me"
    // "sorry I don't text back fast" says what the user does: a subject before it, or words after "back", undo it
    String.raw`(?<!(?:i|we|he|she|they) )(?:don'?t|dont|do not) (?:ever )?(?:${MESSAGE}) back(?=\s*(?:[.!?,]|$))|(?:don'?t|dont|do not|never) (?:ever )?(?:${MESSAGE}) again`,
    String.raw`(?:don'?t|dont|do not|no longer) (?:want|wish|wanna|need|like) (?:to )?(?:be|get) (?:contacted|messaged|texted|bothered|pinged|spammed|pestered)(?=\s*(?:[.!?,]|$)|\s+(?:by (?:you|u|any|this|these|your|the (?:bots?|app|characters?))|anymore|any more|again|ever|further|in the future))`,
    String.raw`(?:appreciate(?: it)?|grateful|be (?:great|nice|better)|prefer(?: it)?) (?:if|that|when) (?:you|u) (?:stopped|quit|would stop|could stop|didn'?t|did not|wouldn'?t|would not|no longer|never again) (?:${MESSAGE}|sending)|done with (?:these|this|the|your|all (?:these|the|your)) ${MESSAGES}`,
    // "turn off proactive messages", "disable these notifications", "please discontinue contact"
    String.raw`(?:turn|switch|shut) off (?:\p{L}+ )?${MESSAGES}|(?:disable|deactivate|mute) (?:these |the |your |all |all the |all these )?(?:\p{L}+ )?${MESSAGES}|discontinue (?:all )?(?:further )?(?:contact|communications?|${MESSAGES}|this|these)`,
    alone(
      String.raw`(?:(?:pls|plz|please|just|ok|omg|no|i said|i told you|i'?m telling you|i'?m asking you to)\s+)?(?:(?:stop|stah+p|stap)\s+)*(?:stop|stah+p|stap|enough|no more)(?:\s+(?:it|this))?(?:\s+(?:please|pls|plz|now|already|man|dude|bro|mate|girl|bot))?`,
      'right now|immediately',
    ),
  ],
  // the last alternative is someone else who must stop: "my ex needs to stop texting me", not "you need to"
  stopNegators: String.raw`don'?t|dont|do not|never|not|(?:don'?t|dont) you dare|i (?:should|need to|have to|must|gotta|ought to)|can'?t|cant|cannot|won'?t|wouldn'?t|shouldn'?t|didn'?t|(?:told|asked|tells|telling) (?:me|him|her|us|them) to|said to|if i say|if i said|what if|(?:he|she|they|(?:my|his|her|their|our) \p{L}+) (?:really |just |seriously |honestly )?(?:needs? to|has to|have to|should|must|gotta|ought to|better)`,
  stopQuestions: [
    "what(?:'?s| is| does| do| would| will| happens)(?: it mean(?: to)?| if| when)?|if i|once i|after i|does|will i|would i|meaning of|how does",
  ],
  stopAll: [
    'the others|other (?:bots|characters)|everyone else',
    '(?:all|both) of (?:you|u|ya)|(?:none|any|each|every (?:single )?one|neither|either) of (?:you|u|ya|your|these|the)',
    "(?:you|u) (?:bots|all|guys|people)|y'?all",
    '(?:all|every|every single|any|none of) (?:the |these |your |of your |of the |of these |of them )?(?:bots?|characters?|ais?)|from (?:everything|all of (?:it|them))',
    'every(?:one|body) (?:here|of you)',
  ],
  stopTimeQualifiers: [
    'at work|at school|in class|during (?:work|class|school|the day|the night|meetings?|work hours|(?:my|the|your) \\p{L}+)|at night|in the (?:morning|night)|on the job',
    String.raw`so early|so late|this early|this late|at this hour|while i'?m|when i'?m|when i am|after (?:\d{1,2}(?::\d\d)?\s*(?:am|pm)?|midnight)|before (?:\d{1,2}(?::\d\d)?\s*(?:am|pm)?|noon)|on (?:weekdays|weekends)|at \d{1,2}(?::\d\d)?\s*(?:am|pm)?`,
  ],
  wrongTime: [
    String.raw`(?:^|literally |like )\d{1,2}\s*(?:am|a\.m\.)(?=\s*[,.!?]|$)`,
    String.raw`it'?s\s+(?:like\s+|literally\s+|almost\s+|past\s+)?(?:\d{1,2}(?::\d\d)?\s*(?:am|a\.m\.|in the morning|at night)|midnight|(?:so |super |really |way too |too )?(?:late|early))`,
    String.raw`(?:i'?m|im|i am)\s+(?:still\s+|currently\s+|literally\s+|just\s+|kinda\s+)?(?:at work|at school|in class|in (?:a |the )?(?:meeting|lecture|exam|shower|hospital|movies|cinema|gym)|in a call|on a call|on (?:shift|the clock|duty)|driving|sleeping|asleep|napping|in bed|working|commuting|on my way to (?:work|school|class))`,
    String.raw`(?:i'?m|im|i am)\s+(?:still\s+|literally\s+|just\s+)?at (?:the )?(?:doctor'?s?|dentist'?s?|gym|hospital|office|airport|movies|cinema|church|funeral|wedding|uni|library)`,
    String.raw`(?:at work|in class|in (?:a )?meeting)\s+(?:rn|right now|atm)|^(?:in (?:a )?meeting|at work|in class|driving|at the office)`,
    '(?:was|were|been) (?:asleep|sleeping|napping|in bed)|already in bed|woke me(?: up)?|just woke up|trying to sleep|(?:middle|dead) of the night|at this hour|this time of (?:night|day)',
    '(?:too|so|way too) (?:early|late) for|go to sleep|(?:text|message|msg) me (?:in the morning|after work|after class|after school|tomorrow morning)|work hours|working hours',
  ],
  annoyed: [
    'give me a break|getting old',
    String.raw`why (?:do|are|would|does) you (?:keep|always|constantly|still)|why (?:do|are) you (?:\p{L}+ )?(?:text|messag|msg)\p{L}*`,
    "(?:you(?:'re| are| r)?|ur|this is|that'?s|it'?s) (?:so |really |getting |kinda |very |super |being |way )*(?:annoying|irritating|clingy|creepy|needy|pushy|spammy|too much|persistent|insistent|desperate|intense)",
    'annoying|clingy|(?:another|one more|yet another) (?:message|text|msg|notification)|do you ever stop|give it a rest|enough already|(?:bugging|pestering|harassing) me',
    String.raw`(?:\d+(?:st|nd|rd|th)?|second|third|fourth|fifth|tenth) (?:message|text|msg|time)s? (?:today|this (?:morning|week|hour))`,
    String.raw`(?:text|messag|msg)\p{L}* (?:me )?(?:way |so |far )?too (?:much|often|many)|too many ${MESSAGES}|(?:text|messag|msg)\p{L}* (?:me )?(?:every|all the|each) (?:day|hour|time|morning|night)`,
    String.raw`chill with|calm down|nobody asked|no one asked|what now|what do you want(?: now| again| from me)?(?=\s*[?.!]*$)|what do you want (?:now|again)|again\s*\?|just (?:talked|spoke|chatted)|(?:not )?you again|shut up|stfu|jeez|geez|ffs|smh|give me (?:some )?space|(?:dude|bro|man|pls|please|just|ok) chill|chill out|can you not(?=\s*[?.!]*$)`,
  ],
  notNow: [
    `not (?:now|rn|right now|today|tonight)|(?:maybe |talk |ttyl |text me |see you |catch you )?later|ttyl|brb|gtg|g2g|busy|swamped|slammed|can'?t (?:talk|chat|rn|now|right now)|cant (?:talk|chat|rn|now)`,
    "(?:another|some other) (?:time|day)|get back to you|give me (?:a )?(?:few|sec|minute|min|bit)|gimme|one sec|no thanks|no thank you|not (?:really )?in the mood|not interested|rain check|i'?m good",
    "(?:now'?s|now is|it'?s) not a good time|not a good time|bad time|(?:when|once) i'?m (?:free|done|back|home|off)|i'?ll (?:text|message|hit|get back|reply|talk|call)|talk (?:tomorrow|tmrw|soon)|maybe tomorrow|(?:gotta|have to|got to) go",
  ],
  negators: "not|never|n'?t|no longer|wasn'?t",
  invite: [
    "talk to me|tell me (?:more|everything|about)|what'?s up|go on|go ahead|how are you|how r u|how'?s it going|what happened|i'?m listening|all ears",
    "i'?ve got (?:a )?(?:minute|sec|moment)|i have (?:a )?(?:minute|sec|moment)|i can talk",
  ],
  engaged: [
    String.raw`haha\p{L}*|hehe|lol|lmao|omg|love|loved|awesome|amazing|great|cool|nice|sweet|yay|yes|yess|exactly|excited|glad|happy|wow|best|blush\p{L}*|funny|hilarious|cute|lovely|so true|definitely|of course`,
    "thank you|thanks!|missed you|miss you|so good|made my day|(?:don'?t|never) (?:ever )?stop|keep (?:texting|messaging|going)",
  ],
  neutral: [
    'what (?:do you mean|happens if)|what if i|who (?:is this|are you)',
    // "if I type stop will it delete everything?": a question about the mechanism
    'if i (?:say|type|write|send|text|reply|put) (?:stop|unsubscribe|end|quit)|(?:does|will|would) (?:typing|saying|sending|writing|texting) (?:stop|unsubscribe)',
  ],
  negative: ['ugh|hate|annoy\\p{L}*|weird|creepy|tired|sick of|fed up|seriously|stop|leave|block'],
};

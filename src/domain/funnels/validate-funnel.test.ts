import { describe, expect, it } from 'vitest';
import { ANYONE, STANDUP, step, WEEKEND } from './funnel-fixtures.js';
import { validateFunnel } from './validate-funnel.js';

describe('validateFunnel', () => {
  it('finds nothing wrong with the two examples', () => {
    expect(validateFunnel(WEEKEND)).toEqual([]);
    expect(validateFunnel(STANDUP)).toEqual([]);
  });

  it('names the step and field of an edge to a step that does not exist, and of a decline that leads on', () => {
    const issues = validateFunnel({
      ...WEEKEND,
      steps: [
        step('hook', {
          next: 'nowhere',
          choices: [{ choiceId: 'no', label: 'No', action: 'decline', next: 'hook' }],
        }),
      ],
    });
    expect(issues).toEqual([
      { path: 'steps[0].next', message: 'names no step: "nowhere"' },
      { path: 'steps[0].choices[0].next', message: 'must be absent: a decline ends the funnel' },
    ]);
  });

  it('finds a step that cannot be reached, and a cycle with no timeout', () => {
    const issues = validateFunnel({
      funnelId: 'f',
      name: 'f',
      audience: ANYONE,
      start: 'a',
      steps: [
        step('a', { otherReply: 'advance', next: 'b' }),
        step('b', { otherReply: 'advance', next: 'a' }),
        step('lost', { handoff: { x: 1 } }),
      ],
    });
    expect(issues).toEqual([
      { path: 'steps[2]', message: 'cannot be reached from "a"' },
      { path: 'steps[0]', message: 'is in a cycle with no timeout: a → b → a' },
    ]);
    const timed = validateFunnel({
      funnelId: 'f',
      name: 'f',
      audience: ANYONE,
      start: 'a',
      steps: [
        step('a', { otherReply: 'advance', next: 'b', timeoutMinutes: 60 }),
        step('b', { otherReply: 'advance', next: 'a' }),
      ],
    });
    expect(timed).toEqual([]);
  });

  it('refuses a repeated id, a start that names no step and a handoff on a step that leads on', () => {
    expect(
      validateFunnel({
        funnelId: 'f',
        name: 'f',
        audience: ANYONE,
        start: 'x',
        steps: [step('a', { next: 'a', handoff: { y: 1 } }), step('a')],
      }),
    ).toEqual([
      { path: 'steps[1].stepId', message: 'repeats the step id "a"' },
      { path: 'start', message: 'names no step: "x"' },
      { path: 'steps[0].handoff', message: 'belongs on a last step: this step leads on' },
    ]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FunnelInput, FunnelTemplate } from './funnel.js';
import { ANYONE, step } from './funnel-fixtures.js';
import { startFunnel, transitionFunnel } from './funnel-machine.js';
import { edgesOf, validateFunnel } from './validate-funnel.js';

const T0 = Date.parse('2026-12-07T00:00:00Z');
const REPLIES = [
  'yes please',
  'no',
  'not now, maybe later',
  'I know',
  'north side',
  "what's the weather",
  'go',
  'ok',
];

/** Funnels of up to five steps whose edges, choices, timeouts and handoffs are drawn at random. */
const funnels = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => {
    const ids = Array.from({ length: n }, (_, i) => `s${i}`);
    const target = fc.option(fc.constantFrom(...ids), { nil: null });
    const choice = fc.record({
      action: fc.constantFrom<'advance' | 'decline'>('advance', 'decline'),
      next: fc.option(fc.constantFrom(...ids), { nil: undefined }),
    });
    const aStep = (stepId: string) =>
      fc
        .record({
          next: target,
          choices: fc.array(choice, { maxLength: 3 }),
          otherReply: fc.constantFrom<'advance' | 'unrelated'>('advance', 'unrelated'),
          timeoutMinutes: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
          handoff: fc.boolean(),
        })
        .map((r) =>
          step(stepId, {
            next: r.next,
            otherReply: r.otherReply,
            timeoutMinutes: r.timeoutMinutes,
            choices: r.choices.map((c, j) => ({
              choiceId: `c${j}`,
              label: `choice ${stepId} ${j}`,
              action: c.action,
              ...(c.action === 'advance' && c.next !== undefined ? { next: c.next } : {}),
            })),
            handoff: r.handoff ? { from: stepId } : null,
          }),
        );
    return fc.tuple(...ids.map(aStep));
  })
  .map((steps): FunnelTemplate => ({ funnelId: 'f', name: 'f', start: 's0', steps, audience: ANYONE }))
  .filter((f) => validateFunnel(f).length === 0);

const inputs = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('reply' as const), text: fc.constantFrom(...REPLIES) }),
    fc.record({
      kind: fc.constant('button' as const),
      stepId: fc.constantFrom('s0', 's1', 's2', 's3', 's4'),
      choiceId: fc.constantFrom('c0', 'c1', 'c2'),
    }),
    fc.record({
      kind: fc.constant('timeout' as const),
      stepId: fc.constantFrom('s0', 's1', 's2', 's3', 's4'),
    }),
  ),
  { maxLength: 12 },
);

describe('transitionFunnel, for any sound funnel and any inputs', () => {
  it('moves only along declared edges, never leaves an ended run, and never swallows a message', () => {
    fc.assert(
      fc.property(
        funnels,
        inputs,
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 12, maxLength: 12 }),
        (funnel, seq, gaps) => {
          let now = T0;
          let run = startFunnel(funnel, new Date(now)).run;
          seq.forEach((input: FunnelInput, i) => {
            now += gaps[i]! * 60_000;
            const t = transitionFunnel(funnel, run, input, new Date(now));
            if (t.run.stepId !== run.stepId) expect(edgesOf(funnel, run.stepId)).toContain(t.run.stepId);
            if (run.status !== 'active') expect(t.run).toEqual(run);
            expect(t.consumed).toBe(t.send !== null);
            if (input.kind === 'button' && t.event.reason.startsWith('declined'))
              expect(t.run.status).toBe('abandoned');
            if (t.run.status === 'completed' && run.status === 'active')
              expect(t.event.reason).not.toMatch(/^declined/);
            run = t.run;
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

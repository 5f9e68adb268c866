import type { FunnelTemplate } from './funnel.js';

/** A button as a channel sends it: its label and the data the bot forwards back when it is pressed. */
export interface StepButton {
  label: string;
  data: string;
}

const PREFIX = 'ovf';

/**
 * A button's callback data: the run, the step's place in it (`seq`: a button of an earlier step,
 * or of an earlier visit of the same step, is outdated) and the choice's index. About 45 bytes,
 * under Telegram's 64.
 */
export function buttonData(runId: string, seq: number, index: number): string {
  return `${PREFIX}:${runId}:${seq}:${index}`;
}

/** What a button's data names; null for data that is not a funnel button's. */
export function readButtonData(data: string): { runId: string; seq: number; index: number } | null {
  const m = /^ovf:([A-Za-z0-9_]{1,40}):(\d{1,4}):(\d{1,2})$/.exec(data);
  if (!m) return null;
  return { runId: m[1]!, seq: Number(m[2]), index: Number(m[3]) };
}

/** The buttons of a step sent as the run's `seq`-th message. */
export function stepButtons(
  funnel: FunnelTemplate,
  stepId: string,
  runId: string,
  seq: number,
): StepButton[] {
  const step = funnel.steps.find((s) => s.stepId === stepId);
  return (step?.choices ?? []).map((c, i) => ({ label: c.label, data: buttonData(runId, seq, i) }));
}

/**
 * A step's text with its slots filled: "{topic}" by how the topic is named ("your trip"; "it"
 * without one), "{character}" by the character's name (empty without one).
 */
export function renderStepText(
  text: string,
  slots: { topic: string | null; character: string | null },
): string {
  return text
    .replaceAll('{topic}', slots.topic ?? 'it')
    .replaceAll('{character}', slots.character ?? '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

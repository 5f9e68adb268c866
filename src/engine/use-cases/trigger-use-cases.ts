import type { z } from 'zod';
import { DecisionQuery } from '../../contract/decision.schema.js';
import { HookBody } from '../../contract/hook.schema.js';
import { parseInput } from '../../contract/issues.js';
import { TriggerCreate, TriggerPatch, TriggerTestInput } from '../../contract/trigger.schema.js';
import { listDecisionPage, testTrigger } from '../decide/decisions.js';
import { fireTrigger } from '../triggers/hooks.js';
import {
  createTrigger,
  getTrigger,
  listTriggerPage,
  removeTrigger,
  rotateTriggerSecret,
  setTriggerEnabled,
  updateTrigger,
} from '../triggers/triggers.js';
import type { IdPage } from './account-use-cases.js';
import type { TenantScope } from './tenant-scope.js';

/** Reasons to speak first (triggers), firing them, and what the engine decided and why. */
export function triggerUseCases({ ctx, tenantId, actor }: TenantScope) {
  return {
    /** Creates a trigger (a webhook trigger's signing secret is in this answer only). */
    createTrigger: (input: z.input<typeof TriggerCreate>) =>
      createTrigger(ctx, tenantId, parseInput(TriggerCreate, input), actor),
    /** Triggers in id order, built-in ones included. */
    listTriggers: (page: IdPage = {}) =>
      listTriggerPage(ctx, tenantId, { after: page.after, limit: page.limit ?? 100 }),
    getTrigger: (triggerId: string) => getTrigger(ctx, tenantId, triggerId),
    /** Changes the fields named; the kind cannot change. */
    updateTrigger: (triggerId: string, patch: z.input<typeof TriggerPatch>) =>
      updateTrigger(ctx, tenantId, triggerId, parseInput(TriggerPatch, patch), actor),
    enableTrigger: (triggerId: string) => setTriggerEnabled(ctx, tenantId, triggerId, true, actor),
    disableTrigger: (triggerId: string) => setTriggerEnabled(ctx, tenantId, triggerId, false, actor),
    /** Deletes a trigger (built-in ones can only be disabled). */
    deleteTrigger: (triggerId: string) => removeTrigger(ctx, tenantId, triggerId, actor),
    /** A new signing secret for a webhook trigger, returned only here. */
    rotateTriggerSecret: (triggerId: string) => rotateTriggerSecret(ctx, tenantId, triggerId, actor),
    /** Fires a trigger by hand for `{userId, characterId}`: how a manual trigger fires. */
    fireTrigger: (triggerId: string, input: z.input<typeof HookBody>) =>
      fireTrigger(ctx, tenantId, triggerId, parseInput(HookBody, input)),
    /**
     * The decision that would be made now if the trigger fired for the user and character, with
     * every check; changes nothing.
     */
    testTrigger: (triggerId: string, input: z.input<typeof TriggerTestInput>) =>
      testTrigger(ctx, tenantId, triggerId, parseInput(TriggerTestInput, input)),
    /** Why the engine did (or did not) message a user: their stored decisions, newest first, with every check. */
    listDecisions: (query: z.input<typeof DecisionQuery>) =>
      listDecisionPage(ctx, tenantId, parseInput(DecisionQuery, query)),
  };
}

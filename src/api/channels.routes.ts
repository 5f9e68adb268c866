import { z } from 'zod';
import { CHANNEL_INPUTS, ChannelParam, ChannelView } from '../contract/channel.schema.js';
import { Id } from '../contract/common.js';
import type { Api } from './api-types.js';
import { callerTenant } from './auth.js';
import { errors } from './errors.schema.js';
import { validatorCompilerBodyUnchecked } from './validation.js';

const CharacterParams = z.object({ characterId: Id });
const Params = z.object({ characterId: Id, channel: ChannelParam });
const URL_PATH = '/v1/characters/:characterId/channels/:channel';

/**
 * How a character reaches its users: a bot token per platform, a webhook, or the stream
 * (docs/CHANNELS.md). Changing one takes an admin key: it holds the bot's credentials.
 */
export function channelRoutes(app: Api) {
  app.put(
    URL_PATH,
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channels'],
        summary: 'Configure how this character sends on a channel',
        description:
          'telegram {token, apiRoot?}, discord {token, apiBase?}, slack {token, apiUrl?}, webhook {url, secret}, stream {reportWithinMinutes?}. The token or secret is stored sealed under OVERTURE_SECRET_KEY (without it: 409) and never returned; omit it to keep the stored one.',
        params: Params,
        // each channel has its own fields, checked by the engine (the error names the field)
        body: z
          .union([
            CHANNEL_INPUTS.telegram,
            CHANNEL_INPUTS.discord,
            CHANNEL_INPUTS.slack,
            CHANNEL_INPUTS.webhook,
            CHANNEL_INPUTS.stream,
          ])
          .optional(),
        response: { 200: ChannelView, 201: ChannelView, ...errors(400, 401, 403, 404, 409) },
      },
      // the union above is for the documentation; the body is validated by the channel's own schema
      // (typed by Fastify for the route's whole schema object; it is called per part, as the app's is)
      validatorCompiler: validatorCompilerBodyUnchecked as never,
    },
    async (request, reply) => {
      const { view, created } = await callerTenant(request).putChannel(
        request.params.characterId,
        request.params.channel,
        // Fastify gives null for no body and for a JSON `null` alike; only the second is a mistake
        request.headers['content-type'] === undefined ? undefined : request.body,
      );
      return reply.status(created ? 201 : 200).send(view);
    },
  );

  app.get(
    URL_PATH,
    {
      config: { access: 'read' },
      schema: {
        tags: ['channels'],
        summary: "One of the character's channels, without its token or secret",
        params: Params,
        response: { 200: ChannelView, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).getChannel(request.params.characterId, request.params.channel),
  );

  app.get(
    '/v1/characters/:characterId/channels',
    {
      config: { access: 'read' },
      schema: {
        tags: ['channels'],
        summary: "The character's channels, without their tokens or secrets",
        params: CharacterParams,
        response: { 200: z.object({ channels: z.array(ChannelView) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => callerTenant(request).listChannels(request.params.characterId),
  );

  app.delete(
    URL_PATH,
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channels'],
        summary:
          'Stop sending on this channel for the character (deliveries queued for it then fail, saying so)',
        params: Params,
        response: { 204: z.null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await callerTenant(request).deleteChannel(request.params.characterId, request.params.channel);
      return reply.status(204).send(null);
    },
  );
}

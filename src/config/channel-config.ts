import { z } from 'zod';
import { parseDurationMs } from '../core/duration';

// The config of every kind of channel lives here, below notify/, so the config layer can validate
// and document channels (problems at FILE:LINE:COL, the editor schema) without knowing how they
// deliver. A channel in notify/channels/ takes its config type from here.

/** Config of a generic JSON webhook: `url`, and a `secret` to sign with. */
export const webhookChannelSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('webhook'),
    url: z.string().url(),
    secret: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

export type WebhookChannelConfig = z.output<typeof webhookChannelSchema>;

/** The longest long poll the Bot API holds a `getUpdates` request for, in seconds. */
export const TELEGRAM_MAX_POLL_SECONDS = 50;

/** A long poll's wait: a duration (`30s`) of 1 to 50 seconds, in whole seconds, as milliseconds. */
const pollTimeout = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === null || ms < 1000 || ms > TELEGRAM_MAX_POLL_SECONDS * 1000 || ms % 1000 !== 0) {
    ctx.addIssue({ code: 'custom', message: `invalid poll timeout "${text}" (whole seconds from 1s to ${TELEGRAM_MAX_POLL_SECONDS}s, e.g. 30s)` });
    return z.NEVER;
  }
  return ms;
});

/**
 * Inline buttons under an incident's opening message (Acknowledge, Escalate, Resolve), their
 * presses read by long polling `getUpdates`: no public URL needed. Off by default.
 */
const telegramButtonsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** How long one `getUpdates` waits for a press before it answers empty. */
    pollTimeout: pollTimeout.default(30_000),
  })
  .strict();

/** Config of a Telegram bot: its token, the chat (and forum topic) to post to, the API's base URL. */
export const telegramChannelSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('telegram'),
    botToken: z.string().min(1),
    chatId: z.union([z.string().min(1), z.number().int()]),
    messageThreadId: z.number().int().positive().optional(),
    apiUrl: z.string().url().default('https://api.telegram.org'),
    timeoutMs: z.number().int().positive().default(10_000),
    buttons: telegramButtonsSchema.prefault({}),
  })
  .strict();

/** A parsed Telegram config, defaults filled in. */
export type TelegramChannelConfig = z.output<typeof telegramChannelSchema>;

const chatWebhookFields = {
  name: z.string().min(1),
  webhookUrl: z.string().url(),
  channel: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  iconEmoji: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(10_000),
};

/** Config of a Slack incoming webhook; `webhookUrl` is a secret (whoever has it can post). */
export const slackChannelSchema = z.object({ ...chatWebhookFields, type: z.literal('slack') }).strict();

/** Config of a Mattermost incoming webhook; `webhookUrl` is a secret (whoever has it can post). */
export const mattermostChannelSchema = z.object({ ...chatWebhookFields, type: z.literal('mattermost') }).strict();

/** A parsed Slack or Mattermost config, defaults filled in. */
export type ChatWebhookChannelConfig = z.output<typeof slackChannelSchema> | z.output<typeof mattermostChannelSchema>;

/** The domain of an address such as `bridge@example.com` or `Incident bridge <bridge@example.com>`. */
export function domainOf(address: string): string | null {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address);
  return match?.[1] ?? null;
}

/** Config of an SMTP email channel: the relay, the sender and the recipients. */
export const emailChannelSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('email'),
    smtp: z
      .object({
        host: z.string().min(1),
        /** 465 with `secure`, else 587 (submission with STARTTLS when offered). */
        port: z.number().int().min(1).max(65535).optional(),
        secure: z.boolean().default(false),
        requireTLS: z.boolean().optional(),
        username: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
      })
      .strict()
      .refine((s) => (s.username === undefined) === (s.password === undefined), {
        message: 'username and password are given together or not at all',
        path: ['password'],
      }),
    from: z.string().min(3).refine((f) => domainOf(f) !== null, { message: 'from needs an address with a domain' }),
    to: z.array(z.string().min(3)).min(1),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

/** An email channel config with its defaults applied. */
export type EmailChannelConfig = z.output<typeof emailChannelSchema>;

/** Config of a Zammad service desk: where tickets go, with which customer and priorities. */
export const zammadChannelSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('zammad'),
    url: z.string().url(),
    apiToken: z.string().min(1),
    group: z.string().min(1),
    /** A login or email (Zammad looks it up), or a numeric customer id. */
    customer: z.union([z.string().min(1), z.number().int().positive()]),
    /** Zammad priority names by incident priority. */
    priorityMap: z
      .object({
        P1: z.string().min(1).default('3 high'),
        P2: z.string().min(1).default('3 high'),
        P3: z.string().min(1).default('2 normal'),
        P4: z.string().min(1).default('1 low'),
      })
      .strict()
      .prefault({}),
    closeOnResolve: z.boolean().default(true),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict();

/** A Zammad channel config with its defaults applied. */
export type ZammadChannelConfig = z.output<typeof zammadChannelSchema>;

const idSchema = z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).transform(String);

/** Config of a Jira Service Management desk: where requests go, how to sign in, priorities. */
export const jiraChannelSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal('jira'),
    url: z.string().url(),
    /** Jira Cloud: the account's email with an API token (basic auth). */
    email: z.string().min(1).optional(),
    apiToken: z.string().min(1).optional(),
    /** Jira Data Center: a personal access token (bearer). */
    bearerToken: z.string().min(1).optional(),
    serviceDeskId: idSchema,
    requestTypeId: idSchema,
    /** The customer the request is raised for; by default the signed-in account. */
    raiseOnBehalfOf: z.string().min(1).optional(),
    /** Jira priority names by incident priority. */
    priorityMap: z
      .object({
        P1: z.string().min(1).default('Highest'),
        P2: z.string().min(1).default('High'),
        P3: z.string().min(1).default('Medium'),
        P4: z.string().min(1).default('Low'),
      })
      .strict()
      .prefault({}),
    /** False for a request type whose form lacks the priority field (Jira refuses it with 400). */
    setPriority: z.boolean().default(true),
    /** The name of the workflow transition that resolves a request. */
    resolveTransition: z.string().min(1).default('Resolve'),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .strict()
  .refine((c) => (c.bearerToken !== undefined) !== (c.email !== undefined && c.apiToken !== undefined), {
    message: 'give either email and apiToken, or bearerToken',
    path: ['apiToken'],
  });

/** A Jira Service Management channel config with its defaults applied. */
export type JiraChannelConfig = z.output<typeof jiraChannelSchema>;

/** The config of any channel: one schema per kind of channel in notify/channels/. */
export const channelConfigSchema = z.discriminatedUnion('type', [webhookChannelSchema, telegramChannelSchema, slackChannelSchema, mattermostChannelSchema, emailChannelSchema, zammadChannelSchema, jiraChannelSchema]);
export type ChannelConfig = z.output<typeof channelConfigSchema>;

/** The secret values of a channel config, for the logger to mask. */
export function channelSecrets(config: object): string[] {
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string' && /secret|token|password|apikey|webhookurl/i.test(key)) secrets.push(value);
    else if (value !== null && typeof value === 'object') secrets.push(...channelSecrets(value as object));
  }
  return secrets;
}

import { z } from 'zod';
import type { Clock } from '../../core/clock';
import type { Channel } from '../channel';
import { ChatWebhookChannel, mattermostChannelSchema, slackChannelSchema } from './chat-webhook';
import { EmailChannel, emailChannelSchema } from './email';
import { JiraChannel, jiraChannelSchema } from './jira';
import { TelegramChannel, telegramChannelSchema } from './telegram';
import { WebhookChannel, webhookChannelSchema } from './webhook';
import { ZammadChannel, zammadChannelSchema } from './zammad';

/** The config of any channel; each kind contributes its own schema. The one place that knows them all. */
export const channelConfigSchema = z.discriminatedUnion('type', [webhookChannelSchema, telegramChannelSchema, slackChannelSchema, mattermostChannelSchema, emailChannelSchema, zammadChannelSchema, jiraChannelSchema]);
export type ChannelConfig = z.output<typeof channelConfigSchema>;

/** What channels get besides their config. */
export interface ChannelDeps {
  clock: Clock;
}

/** Builds the channel a config entry describes. */
export function createChannel(config: ChannelConfig, deps: ChannelDeps): Channel {
  switch (config.type) {
    case 'webhook':
      return new WebhookChannel(config, deps.clock);
    case 'telegram':
      return new TelegramChannel(config, deps.clock);
    case 'slack':
    case 'mattermost':
      return new ChatWebhookChannel(config, deps.clock);
    case 'email':
      return new EmailChannel(config, deps.clock);
    case 'zammad':
      return new ZammadChannel(config, deps.clock);
    case 'jira':
      return new JiraChannel(config, deps.clock);
  }
}

/** The secret values of a channel config, for the logger to mask. */
export function channelSecrets(config: object): string[] {
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string' && /secret|token|password|apikey|webhookurl/i.test(key)) secrets.push(value);
    else if (value !== null && typeof value === 'object') secrets.push(...channelSecrets(value as object));
  }
  return secrets;
}

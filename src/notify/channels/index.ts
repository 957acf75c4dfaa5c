import { z } from 'zod';
import type { Clock } from '../../core/clock';
import type { Channel } from '../channel';
import { WebhookChannel, webhookChannelSchema } from './webhook';

/** The config of any channel; each kind contributes its own schema. The one place that knows them all. */
export const channelConfigSchema = z.discriminatedUnion('type', [webhookChannelSchema]);
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

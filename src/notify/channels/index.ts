import type { ChannelConfig } from '../../config/channel-config';
import type { Clock } from '../../core/clock';
import type { Channel } from '../channel';
import { ChatWebhookChannel } from './chat-webhook';
import { EmailChannel } from './email';
import { JiraChannel } from './jira';
import { TelegramChannel } from './telegram';
import { WebhookChannel } from './webhook';
import { ZammadChannel } from './zammad';

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

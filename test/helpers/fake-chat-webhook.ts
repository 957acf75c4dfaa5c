import type { ServerResponse } from 'node:http';
import { answerJson, answerText, LoopbackServer } from './loopback-server';
import type { RawRequest } from './loopback-server';

/** A scripted answer: a status with a body (and Retry-After for 429), a hang, a drop, record-then-500, or a normal answer. */
export type ChatWebhookScript = { status: number; body?: string; retryAfter?: string } | 'hang' | 'drop' | 'apply-then-fail' | 'ok';

/** A post the fake accepted. */
export interface ChatPost {
  body: Record<string, unknown>;
  headers: RawRequest['headers'];
}

/**
 * A loopback Slack or Mattermost incoming webhook: 200 `ok` for a JSON post with text or
 * attachments; 400 `invalid_payload` for bad JSON, 400 `no_text` for neither, 404 `no_service`
 * for an unknown hook (Mattermost answers its JSON errors instead). Records every accepted post
 * and can be scripted to fail the next requests.
 */
export class FakeChatWebhook {
  readonly posts: ChatPost[] = [];
  /** Every request that reached the fake, scripted ones included. */
  readonly requests: RawRequest[] = [];
  private readonly script: ChatWebhookScript[] = [];
  private readonly server = new LoopbackServer();
  private baseUrl = '';

  constructor(
    readonly flavor: 'slack' | 'mattermost' = 'slack',
    readonly hookPath = flavor === 'slack' ? '/services/T0001/B0001/XXXXsecretXXXX' : '/hooks/abc123secretxyz',
  ) {}

  /** Queues answers for the next requests, in order; afterwards requests are served normally. */
  failNext(...answers: ChatWebhookScript[]): void {
    this.script.push(...answers);
  }

  /** Starts listening; resolves with the webhook URL the channel should post to. */
  async start(): Promise<string> {
    this.baseUrl = await this.server.start((req, res) => this.handle(req, res));
    return this.url;
  }

  /** The webhook URL (valid once started). */
  get url(): string {
    return `${this.baseUrl}${this.hookPath}`;
  }

  /** Stops the server, ending hanging requests. */
  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(req: RawRequest, res: ServerResponse): void {
    this.requests.push(req);
    const shifted = this.script.shift();
    const next = shifted === 'ok' ? undefined : shifted;
    if (next === 'hang') return;
    if (next === 'drop') return void res.socket?.destroy();
    if (next !== undefined && next !== 'apply-then-fail') {
      const headers: Record<string, string> = next.retryAfter !== undefined ? { 'retry-after': next.retryAfter } : {};
      return answerText(res, next.status, next.body ?? (next.status === 429 ? 'rate_limited' : 'error'), headers);
    }
    if (req.method !== 'POST' || req.path !== this.hookPath) return this.reject(res, 404, 'no_service', 'Invalid webhook');
    let body: unknown;
    try {
      body = JSON.parse(req.raw);
    } catch {
      return this.reject(res, 400, 'invalid_payload', 'Unable to parse incoming data');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return this.reject(res, 400, 'invalid_payload', 'Unable to parse incoming data');
    const post = body as Record<string, unknown>;
    const hasText = typeof post.text === 'string' && post.text.trim() !== '';
    if (!hasText && !(Array.isArray(post.attachments) && post.attachments.length > 0)) return this.reject(res, 400, 'no_text', 'Unable to create post: text or attachments required');
    this.posts.push({ body: post, headers: req.headers });
    if (next === 'apply-then-fail') return answerText(res, 500, 'rollup_error');
    answerText(res, 200, 'ok');
  }

  private reject(res: ServerResponse, status: number, slackCode: string, mattermostMessage: string): void {
    if (this.flavor === 'slack') return answerText(res, status, slackCode);
    answerJson(res, status === 404 ? 400 : status, { id: `web.incoming_webhook.${slackCode}.app_error`, message: mattermostMessage, detailed_error: '', status_code: status === 404 ? 400 : status });
  }
}

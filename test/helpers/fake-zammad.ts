import { FakeHttpService } from './fake-http-service';
import type { FakeReply, FakeRequest } from './fake-http-service';

/** A ticket as the fake keeps it, with the names Zammad resolves ids from. */
export interface ZammadTicketRecord {
  id: number;
  number: string;
  title: string;
  group: string;
  customer: string | number;
  priority: string;
  state: string;
  tags: string[];
  articleIds: number[];
}

/** An article (note) of a ticket. */
export interface ZammadArticleRecord {
  id: number;
  ticket_id: number;
  subject: string | null;
  body: string;
  content_type: string;
  type: string;
  internal: boolean;
}

const STATES: Record<string, number> = { new: 1, open: 2, 'pending reminder': 3, closed: 4, merged: 5, 'pending close': 7 };
const PRIORITIES: Record<string, number> = { '1 low': 1, '2 normal': 2, '3 high': 3 };
const GROUPS: Record<string, number> = { Users: 1, 'Service Desk': 2 };
type Json = Record<string, unknown>;

/**
 * A Zammad REST API on loopback, on Zammad's paths with its status codes and bodies: token
 * auth (401 `Invalid token!`), 422 for a missing or unknown field, 201 with the ticket JSON.
 * Search matches the query as a substring of the title, as Zammad does without Elasticsearch.
 */
export class FakeZammad extends FakeHttpService {
  readonly tickets: ZammadTicketRecord[] = [];
  readonly articles: ZammadArticleRecord[] = [];
  private nextTicketId = 101;
  private nextArticleId = 501;

  constructor(readonly token = 'zammad-token') {
    super();
  }

  /** The notes of a ticket, oldest first. */
  articlesOf(ticketId: number): ZammadArticleRecord[] {
    return this.articles.filter((a) => a.ticket_id === ticketId);
  }

  protected handle(req: FakeRequest): FakeReply {
    if (req.headers.authorization !== `Token token=${this.token}`) return { status: 401, body: { error: 'Invalid token!' } };
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Json;
    if (req.method === 'POST' && req.path === '/api/v1/tickets') return this.create(body);
    if (req.method === 'GET' && req.path === '/api/v1/tickets/search') return this.search(req.query);
    if (req.method === 'POST' && req.path === '/api/v1/ticket_articles') {
      const ticket = this.tickets.find((t) => t.id === Number(body.ticket_id));
      if (!ticket) return unprocessable('Need ticket_id!');
      if (typeof body.body !== 'string' || body.body === '') return unprocessable('Need body!');
      return { status: 201, body: this.addArticle(ticket, body) };
    }
    const match = /^\/api\/v1\/tickets\/(\d+)$/.exec(req.path);
    if (match && req.method === 'PUT') {
      const ticket = this.tickets.find((t) => t.id === Number(match[1]));
      if (!ticket) return { status: 404, body: { error: `Couldn't find Ticket with 'id'=${match[1]}` } };
      if (body.state !== undefined) {
        if (typeof body.state !== 'string' || !(body.state in STATES)) return unprocessable(`No lookup value found for 'state': ${JSON.stringify(body.state)}`);
        ticket.state = body.state;
      }
      return { status: 200, body: this.json(ticket) };
    }
    return { status: 404, body: { error: `No route matches [${req.method}] "${req.path}"` } };
  }

  private create(body: Json): FakeReply {
    const article = body.article as Json | undefined;
    if (typeof body.title !== 'string' || body.title === '') return unprocessable("Title can't be blank");
    if (typeof body.group !== 'string' || !(body.group in GROUPS)) return unprocessable(`No lookup value found for 'group': ${JSON.stringify(body.group)}`);
    if (body.customer === undefined && body.customer_id === undefined) return unprocessable("Customer can't be blank");
    const priority = body.priority ?? '2 normal';
    if (typeof priority !== 'string' || !(priority in PRIORITIES)) return unprocessable(`No lookup value found for 'priority': ${JSON.stringify(priority)}`);
    const state = body.state ?? 'new';
    if (typeof state !== 'string' || !(state in STATES)) return unprocessable(`No lookup value found for 'state': ${JSON.stringify(state)}`);
    if (!article || typeof article.body !== 'string') return unprocessable('Need at least an article body!');
    const id = this.nextTicketId++;
    const ticket: ZammadTicketRecord = {
      id,
      number: String(31000 + id),
      title: body.title,
      group: body.group,
      customer: (body.customer ?? body.customer_id) as string | number,
      priority,
      state,
      tags: typeof body.tags === 'string' ? body.tags.split(',').filter(Boolean) : [],
      articleIds: [],
    };
    this.tickets.push(ticket);
    this.addArticle(ticket, article);
    return { status: 201, body: this.json(ticket) };
  }

  private search(query: URLSearchParams): FakeReply {
    const q = (query.get('query') ?? '').toLowerCase();
    const found = this.tickets.filter((t) => q !== '' && t.title.toLowerCase().includes(q)).slice(0, Number(query.get('limit') ?? 10));
    if (query.get('expand') === 'true') return { status: 200, body: found.map((t) => ({ ...this.json(t), state: t.state, priority: t.priority, group: t.group })) };
    return {
      status: 200,
      body: { tickets: found.map((t) => t.id), tickets_count: found.length, assets: { Ticket: Object.fromEntries(found.map((t) => [t.id, this.json(t)])) } },
    };
  }

  private addArticle(ticket: ZammadTicketRecord, a: Json): ZammadArticleRecord {
    const article: ZammadArticleRecord = {
      id: this.nextArticleId++,
      ticket_id: ticket.id,
      subject: typeof a.subject === 'string' ? a.subject : null,
      body: String(a.body),
      content_type: typeof a.content_type === 'string' ? a.content_type : 'text/plain',
      type: typeof a.type === 'string' ? a.type : 'note',
      internal: a.internal !== false,
    };
    this.articles.push(article);
    ticket.articleIds.push(article.id);
    return article;
  }

  private json(t: ZammadTicketRecord): Json {
    const at = '2025-03-18T09:00:01.000Z';
    return {
      id: t.id,
      group_id: GROUPS[t.group],
      priority_id: PRIORITIES[t.priority],
      state_id: STATES[t.state],
      organization_id: null,
      number: t.number,
      title: t.title,
      owner_id: 1,
      customer_id: typeof t.customer === 'number' ? t.customer : 7,
      article_count: t.articleIds.length,
      article_ids: [...t.articleIds],
      created_at: at,
      updated_at: at,
    };
  }
}

function unprocessable(error: string): FakeReply {
  return { status: 422, body: { error, error_human: error } };
}

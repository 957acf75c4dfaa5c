import { FakeHttpService } from './fake-http-service';
import type { FakeReply, FakeRequest } from './fake-http-service';

/** A customer request as the fake keeps it. */
export interface JiraRequestRecord {
  issueId: string;
  issueKey: string;
  serviceDeskId: string;
  requestTypeId: string;
  summary: string;
  description: string;
  priority: string | null;
  raiseOnBehalfOf: string | null;
  status: 'Waiting for support' | 'In progress' | 'Resolved';
  comments: { id: string; body: string; public: boolean }[];
  transitions: string[];
}

const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
/** The workflow: which transitions each status offers, and where they lead. */
const WORKFLOW: Record<JiraRequestRecord['status'], { id: string; name: string; to: JiraRequestRecord['status'] }[]> = {
  'Waiting for support': [
    { id: '761', name: 'Resolve', to: 'Resolved' },
    { id: '11', name: 'Start progress', to: 'In progress' },
  ],
  'In progress': [{ id: '761', name: 'Resolve', to: 'Resolved' }],
  Resolved: [{ id: '901', name: 'Reopen', to: 'Waiting for support' }],
};
type Json = Record<string, unknown>;

/**
 * Jira Service Management's REST API on loopback, on its paths with its codes and bodies: basic
 * (email + API token) or bearer auth (401), 404 for an unknown service desk, 400 with
 * `errorMessages`/`errors` for a bad field, 201 with the request. Service desk 1 (key ITSM) has
 * request types 10 and 11; request type 11's form has no priority field.
 */
export class FakeJira extends FakeHttpService {
  readonly issues: JiraRequestRecord[] = [];
  private nextId = 10_001;

  constructor(private readonly auth: { email: string; apiToken: string } | { bearerToken: string } = { email: 'bridge@example.com', apiToken: 'jira-token' }) {
    super();
  }

  /** The request with this key, or undefined. */
  issue(key: string): JiraRequestRecord | undefined {
    return this.issues.find((i) => i.issueKey === key);
  }

  protected handle(req: FakeRequest): FakeReply {
    const expected = 'bearerToken' in this.auth ? `Bearer ${this.auth.bearerToken}` : `Basic ${Buffer.from(`${this.auth.email}:${this.auth.apiToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      return { status: 401, body: { errorMessage: 'Client must be authenticated to access this resource.' }, headers: { 'www-authenticate': 'Basic realm="protected-area"' } };
    }
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Json;
    if (req.path === '/rest/servicedeskapi/request') {
      if (req.method === 'POST') return this.create(body);
      if (req.method === 'GET') return this.list(req.query);
    }
    const match = /^\/rest\/servicedeskapi\/request\/([^/]+)(?:\/(comment|transition))?$/.exec(req.path);
    const issue = match ? this.issues.find((i) => i.issueKey === decodeURIComponent(match[1]!) || i.issueId === match[1]) : undefined;
    if (!match) return { status: 404, body: { errorMessage: 'null for uri: ' + req.path } };
    if (!issue) return { status: 404, body: { errorMessage: 'Issue Does Not Exist' } };
    if (match[2] === undefined && req.method === 'GET') return { status: 200, body: this.json(issue) };
    if (match[2] === 'comment' && req.method === 'POST') {
      if (typeof body.body !== 'string' || body.body === '') return { status: 400, body: { errorMessage: 'The comment body must not be empty.' } };
      const comment = { id: String(20_000 + issue.comments.length), body: body.body, public: body.public !== false };
      issue.comments.push(comment);
      return { status: 201, body: { ...comment, author: { name: 'bridge' }, created: { iso8601: '2025-03-18T09:00:02+0000' } } };
    }
    if (match[2] === 'transition' && req.method === 'GET') {
      const values = WORKFLOW[issue.status].map(({ id, name }) => ({ id, name }));
      return { status: 200, body: { size: values.length, start: 0, limit: 50, isLastPage: true, values } };
    }
    if (match[2] === 'transition' && req.method === 'POST') {
      const t = WORKFLOW[issue.status].find((w) => w.id === body.id);
      if (!t) return { status: 400, body: { errorMessage: `Transition id '${String(body.id)}' is not valid for this request.` } };
      issue.status = t.to;
      issue.transitions.push(t.name);
      if (body.additionalComment && typeof (body.additionalComment as Json).body === 'string') {
        issue.comments.push({ id: String(20_000 + issue.comments.length), body: String((body.additionalComment as Json).body), public: true });
      }
      return { status: 204 };
    }
    return { status: 405, body: { errorMessage: `Method ${req.method} is not allowed` } };
  }

  private create(body: Json): FakeReply {
    if (String(body.serviceDeskId) !== '1') return { status: 404, body: { errorMessage: `The service desk with ID ${String(body.serviceDeskId)} does not exist.` } };
    const requestTypeId = String(body.requestTypeId);
    if (requestTypeId !== '10' && requestTypeId !== '11') return { status: 400, body: { errorMessages: [`The request type ${requestTypeId} does not exist.`], errors: {} } };
    const fields = (body.requestFieldValues ?? {}) as Json;
    const errors: Record<string, string> = {};
    if (typeof fields.summary !== 'string' || fields.summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
    const priority = (fields.priority as Json | undefined)?.name;
    if (fields.priority !== undefined && requestTypeId === '11') errors.priority = "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.";
    else if (fields.priority !== undefined && (typeof priority !== 'string' || !PRIORITIES.includes(priority))) errors.priority = `Specify a valid priority: ${String(priority)}`;
    if (Object.keys(errors).length > 0) return { status: 400, body: { errorMessages: [], errors } };
    const id = this.nextId++;
    const issue: JiraRequestRecord = {
      issueId: String(id),
      issueKey: `ITSM-${this.issues.length + 1}`,
      serviceDeskId: '1',
      requestTypeId,
      summary: String(fields.summary),
      description: typeof fields.description === 'string' ? fields.description : '',
      priority: typeof priority === 'string' ? priority : null,
      raiseOnBehalfOf: typeof body.raiseOnBehalfOf === 'string' ? body.raiseOnBehalfOf : null,
      status: 'Waiting for support',
      comments: [],
      transitions: [],
    };
    this.issues.push(issue);
    return { status: 201, body: this.json(issue) };
  }

  /** Lists requests, the search term matched as words of the summary, like Jira's text search. */
  private list(query: URLSearchParams): FakeReply {
    const words = (query.get('searchTerm') ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const desk = query.get('serviceDeskId');
    const values = this.issues
      .filter((i) => desk === null || i.serviceDeskId === desk)
      .filter((i) => {
        const summaryWords = i.summary.toLowerCase().split(/[^\p{L}\p{N}]+/u);
        return words.every((w) => summaryWords.includes(w));
      })
      .map((i) => this.json(i));
    return { status: 200, body: { size: values.length, start: 0, limit: 50, isLastPage: true, values } };
  }

  private json(i: JiraRequestRecord): Json {
    return {
      _expands: ['participant', 'status', 'sla', 'requestType', 'serviceDesk', 'attachment', 'action', 'comment'],
      issueId: i.issueId,
      issueKey: i.issueKey,
      requestTypeId: i.requestTypeId,
      serviceDeskId: i.serviceDeskId,
      createdDate: { iso8601: '2025-03-18T09:00:01+0000', epochMillis: 1742288401000, friendly: 'Today 9:00 AM' },
      reporter: { name: 'bridge', emailAddress: 'bridge@example.com', displayName: 'incident-bridge' },
      requestFieldValues: [
        { fieldId: 'summary', label: 'Summary', value: i.summary },
        { fieldId: 'description', label: 'Description', value: i.description },
      ],
      currentStatus: { status: i.status, statusCategory: i.status === 'Resolved' ? 'DONE' : i.status === 'In progress' ? 'INDETERMINATE' : 'NEW' },
      _links: { web: `https://jira.example.com/servicedesk/customer/portal/1/${i.issueKey}` },
    };
  }
}

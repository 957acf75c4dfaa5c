/** One HTTP answer with everything a client could see: status, headers, raw text and JSON. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/**
 * Sends one request to a test daemon. A body that is not a string or a Buffer is sent as JSON. `seen`
 * collects every answer, for tests that check what a client was ever told.
 */
export async function callApi(
  baseUrl: string,
  method: string,
  pathAndQuery: string,
  options: { headers?: Record<string, string>; body?: unknown; seen?: ApiAnswer[] } = {},
): Promise<ApiAnswer> {
  const { body } = options;
  const res = await fetch(`${baseUrl}${pathAndQuery}`, {
    method,
    headers: body === undefined ? (options.headers ?? {}) : { 'content-type': 'application/json', ...options.headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  const answer = { status: res.status, headers: res.headers, text, json };
  options.seen?.push(answer);
  return answer;
}

/** Everything an answer showed, headers included, as one string to search. */
export function answerText(a: ApiAnswer): string {
  return `${a.status}\n${[...a.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${a.text}`;
}

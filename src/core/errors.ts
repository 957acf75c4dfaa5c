/** One problem found in a request body or a file, located by a path or a position. */
export interface Issue {
  path: string;
  message: string;
}

/** An error with a stable `code` that the HTTP error handler turns into `{error, detail}` with `status`. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A webhook body that cannot become alerts; `detail` lists each bad path. */
export class InvalidPayloadError extends AppError {
  constructor(source: string, issues: Issue[]) {
    super('invalid_payload', `${source} payload is invalid`, 400, issues);
  }
}

/** Thrown for a request the daemon can serve later (store closed, rules not loaded): answer 503. */
export class NotReadyError extends AppError {
  constructor(what: string) {
    super('not_ready', `incident-bridge is not ready: ${what}`, 503);
  }
}

/** A missing resource (source, incident): 404. */
export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404);
  }
}

/** A request without valid credentials: 401 with `detail.reason` (never the credentials themselves). */
export class UnauthorizedError extends AppError {
  constructor(readonly reason: string) {
    super('unauthorized', 'authentication failed', 401, { reason });
  }
}

/** A person whose role is below what the request needs: 403. */
export class ForbiddenError extends AppError {
  constructor(role: string, required: string) {
    super('forbidden', `the role ${role} may not do this; it needs ${required}`, 403, { role, required });
  }
}

/** A problem at a place in a YAML file, printed as `FILE:LINE:COL: error|warning: message`. */
export interface FileProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: 'error' | 'warning';
}

/** Formats a problem the way editors and CI annotate (gcc style): `FILE:LINE:COL: error: message`. */
export function formatProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.severity}: ${p.message}`;
}

/** A config or rule file that cannot be used; `problems` locate each mistake. */
export class FileProblemsError extends Error {
  constructor(readonly problems: FileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'FileProblemsError';
  }
}

/** The incident's state forbids the action (acknowledge a resolved incident): 409. */
export class ConflictError extends AppError {
  constructor(reason: string) {
    super('conflict', reason, 409);
  }
}

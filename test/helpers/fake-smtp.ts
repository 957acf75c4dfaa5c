import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the server took: the envelope and the parsed message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/** A scripted refusal: the SMTP reply code at `rcpt` (one recipient) or `data` (the whole mail). */
export interface SmtpRefusal {
  stage: 'rcpt' | 'data';
  code: number;
  message?: string;
  /** Only refuse this recipient (rcpt stage); by default every recipient. */
  recipient?: string;
}

function smtpError(r: SmtpRefusal): Error {
  const error = new Error(r.message ?? (r.code >= 500 ? 'Mailbox unavailable' : 'Try again later')) as Error & { responseCode: number };
  error.responseCode = r.code;
  return error;
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1:0 without STARTTLS: it keeps every
 * mail it accepts, checks credentials when given some, and refuses as scripted.
 */
export class FakeSmtpServer {
  readonly mails: ReceivedMail[] = [];
  readonly auths: { username: string; password: string }[] = [];
  private readonly refusals: SmtpRefusal[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  constructor(private readonly credentials?: { username: string; password: string }) {}

  /** The next mails are refused as listed, one refusal per mail (or per recipient at `rcpt`). */
  refuseNext(...refusals: SmtpRefusal[]): void {
    this.refusals.push(...refusals);
  }

  async start(): Promise<number> {
    this.server = new SMTPServer({
      authOptional: this.credentials === undefined,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        const creds = this.credentials;
        this.auths.push({ username: auth.username ?? '', password: auth.password ?? '' });
        if (creds && auth.username === creds.username && auth.password === creds.password) return callback(null, { user: auth.username });
        return callback(smtpError({ stage: 'rcpt', code: 535, message: 'Authentication credentials invalid' }));
      },
      onRcptTo: (address, _session, callback) => {
        const next = this.refusals[0];
        if (next?.stage === 'rcpt' && (next.recipient === undefined || next.recipient === address.address)) {
          this.refusals.shift();
          return callback(smtpError(next));
        }
        return callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const next = this.refusals[0];
          if (next?.stage === 'data') {
            this.refusals.shift();
            return callback(smtpError(next));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
              this.mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A TCP server that accepts connections and never says a word: an SMTP relay that hangs. */
export async function startSilentServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

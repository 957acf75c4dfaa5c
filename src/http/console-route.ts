import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { RequestHandler, Router } from 'express';
import { AppError } from '../core/errors';

/** Where `npm run build` puts the console's assets, beside the compiled daemon. */
export const CONSOLE_DIR = path.join(__dirname, '..', 'web');

/** The console's own pages: each answers the same page, which shows the one its path names. */
export const CONSOLE_PAGES = ['/', '/incidents/:id', '/board', '/silences', '/rules', '/reports'];

/**
 * What every answer says about itself: scripts, styles and connections from this origin only,
 * never framed, no referrer, no sniffing. The console has no inline script or style.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  });
  next();
};

/**
 * The web console, served by the daemon: `GET /` and the console's other pages answer its page
 * (the same for each: it renders the one its path names, and asks for a person's token when the
 * API needs one); `/assets/...` its scripts and styles, named by their content's hash, so they
 * are cached for good. Without a build (`npm run build`) the pages answer 503.
 */
export function consoleRoute(deps: { dir?: string } = {}): Router {
  const dir = deps.dir ?? CONSOLE_DIR;
  const router = express.Router();
  const indexFile = path.join(dir, 'index.html');
  let page: string | null = null;
  const pageText = (): string => {
    if (page === null) {
      if (!existsSync(indexFile)) throw new AppError('console_not_built', 'the console is not built: run npm run build', 503);
      page = readFileSync(indexFile, 'utf8');
    }
    return page;
  };
  for (const route of CONSOLE_PAGES) {
    router.get(route, (_req, res) => {
      res.set('Cache-Control', 'no-cache').type('html').send(pageText());
    });
  }
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }));
  return router;
}

import { requiredAccess } from '../../../src/http/access-policy';

describe('requiredAccess', () => {
  test.each([
    ['GET', '/-/healthy', 'open'],
    ['GET', '/-/ready', 'open'],
    ['GET', '/metrics', 'open'],
    ['HEAD', '/metrics', 'open'],
    ['POST', '/api/v1/session', 'open'],
    ['DELETE', '/api/v1/session', 'open'],
    ['GET', '/api/v1/me', 'person'],
    ['GET', '/api/v1/incidents', 'viewer'],
    ['HEAD', '/api/v1/incidents', 'viewer'],
    ['GET', '/api/v1/incidents/42', 'viewer'],
    ['GET', '/api/v1/incidents/42/', 'viewer'],
    ['GET', '/API/V1/Incidents', 'viewer'],
    ['GET', '/api/v1/rejections', 'viewer'],
    ['GET', '/api/v1/rules', 'viewer'],
    ['POST', '/api/v1/explain', 'viewer'],
    ['GET', '/api/v1/silences', 'viewer'],
    ['GET', '/api/v1/maintenance', 'viewer'],
    ['POST', '/api/v1/silences', 'responder'],
    ['DELETE', '/api/v1/silences/0b7e4c1a-1f2d-4a43-9a57-2c4d8e2f9b10', 'responder'],
    ['POST', '/api/v1/notifications/7/resend', 'admin'],
    ['POST', '/-/reload', 'admin'],
    // Not in the table: the highest role, so that a route without a row is never open.
    ['GET', '/api/v1/incidents/42/alerts', 'admin'],
    ['POST', '/api/v1/incidents', 'admin'],
    ['DELETE', '/api/v1/silences', 'admin'],
    ['GET', '/api/v1/silences/0b7e4c1a-1f2d-4a43-9a57-2c4d8e2f9b10', 'admin'],
    ['GET', '/-/reload', 'admin'],
    ['GET', '/console', 'admin'],
    ['GET', '/assets/a/b.js', 'admin'],
    // The console's page and assets are open; what they show comes from the API.
    ['GET', '/', 'open'],
    ['GET', '/incidents/12', 'open'],
    ['GET', '/assets/index-CdXo1J49.js', 'open'],
    ['POST', '/', 'admin'],
    ['GET', '/api/v1/stream', 'viewer'],
    ['GET', '//api/v1/incidents', 'admin'],
    ['GET', '/metrics/x', 'admin'],
    ['POST', '/metrics', 'admin'],
  ])('%s %s needs %s', (method, path, access) => {
    expect(requiredAccess(method, path)).toBe(access);
  });
});

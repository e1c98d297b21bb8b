import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

export interface Credentials {
  user: string;
  password: string;
}

/** Board credentials from OCPSUM_BOARD_USER and OCPSUM_BOARD_PASSWORD: both, or neither (no auth). */
export function boardCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const user = env.OCPSUM_BOARD_USER ?? '';
  const password = env.OCPSUM_BOARD_PASSWORD ?? '';
  if (!user && !password) return undefined;
  if (!user || !password) {
    throw new Error(
      'basic auth needs both OCPSUM_BOARD_USER and OCPSUM_BOARD_PASSWORD (set both, or neither for no auth)',
    );
  }
  if (user.includes(':'))
    throw new Error('OCPSUM_BOARD_USER cannot contain ":" (HTTP basic auth splits user and password there)');
  return { user, password };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Checks a request's `Authorization: Basic …` header in constant time (both fields always compared). */
export function basicAuthChecker(credentials: Credentials): (request: IncomingMessage) => boolean {
  const user = digest(credentials.user);
  const password = digest(credentials.password);
  return (request) => {
    const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(request.headers.authorization ?? '');
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const given = colon < 0 ? ['', ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const userOk = timingSafeEqual(digest(given[0]), user);
    const passwordOk = timingSafeEqual(digest(given[1]), password);
    return colon >= 0 && userOk && passwordOk;
  };
}

/** True for addresses that only this machine reaches: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}

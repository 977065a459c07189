import { randomBytes } from 'node:crypto';

export type TokenCheck = 'valid' | 'expired' | 'unknown' | 'otherUser';

export interface TokenPolicy {
  ttlMs: number;
  maxPerHour: number;
}

interface IssuedToken {
  userName: string;
  expiresAt: number;
  /** Set when a newer token replaced it or the control API expired it. */
  revoked: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * Ozonetel TOKEN_AUTH tokens: each lives `ttlMs`, a new one replaces the user's previous one, and at
 * most `maxPerHour` may be generated per user in any rolling hour. Old tokens are remembered so a
 * replaced token is told "Token Expired" rather than "Invalid Token".
 */
export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly currentByUser = new Map<string, string>();
  private readonly issuedAtByUser = new Map<string, number[]>();

  constructor(private readonly policy: () => TokenPolicy) {}

  /** A fresh token, or undefined when the user already generated the hourly maximum. */
  issue(userName: string, now: number): string | undefined {
    const { ttlMs, maxPerHour } = this.policy();
    const recent = (this.issuedAtByUser.get(userName) ?? []).filter((time) => time > now - HOUR_MS);
    if (recent.length >= maxPerHour) {
      this.issuedAtByUser.set(userName, recent);
      return undefined;
    }
    this.issuedAtByUser.set(userName, [...recent, now]);
    this.expireCurrent(userName);
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { userName, expiresAt: now + ttlMs, revoked: false });
    this.currentByUser.set(userName, token);
    return token;
  }

  check(token: string, userName: string, now: number): TokenCheck {
    const issued = this.tokens.get(token);
    if (issued === undefined) return 'unknown';
    if (issued.userName !== userName) return 'otherUser';
    if (issued.revoked || now >= issued.expiresAt) return 'expired';
    return 'valid';
  }

  /** Makes the user's current token expired; false when the user has none. */
  expireCurrent(userName: string): boolean {
    const token = this.currentByUser.get(userName);
    const issued = token === undefined ? undefined : this.tokens.get(token);
    if (issued === undefined) return false;
    issued.revoked = true;
    this.currentByUser.delete(userName);
    return true;
  }

  reset(): void {
    this.tokens.clear();
    this.currentByUser.clear();
    this.issuedAtByUser.clear();
  }
}

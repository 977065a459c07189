/** Scrubs text that came from the vendor before it goes into an error. */
export type Redact = (text: string) => string;

export const REDACTED = '[redacted]';

export interface RedactorOptions {
  /**
   * Secrets shorter than this are left alone: blanking a one-letter key would blank every such letter
   * of the vendor's words. Default 1 (every non-empty secret).
   */
  minSecretLength?: number;
  /** Further shapes to blank, such as a signed Authorization value, with their replacement. */
  patterns?: readonly { pattern: RegExp; replacement: string }[];
}

/**
 * Vendors echo requests in their error text often enough that a description could carry an account's
 * key, token or Authorization header back: the redactor blanks each of the account's secrets (longest
 * first, so a secret containing another is blanked whole) and each extra pattern.
 */
export function makeRedactor(secrets: readonly string[], options: RedactorOptions = {}): Redact {
  const minLength = Math.max(1, options.minSecretLength ?? 1);
  const ordered = [...new Set(secrets)]
    .filter((s) => s.length >= minLength)
    .sort((a, b) => b.length - a.length);
  const patterns = options.patterns ?? [];
  return (text) => {
    let out = text;
    for (const { pattern, replacement } of patterns) out = out.replace(pattern, replacement);
    for (const secret of ordered) out = out.split(secret).join(REDACTED);
    return out;
  };
}

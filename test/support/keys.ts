import { createHash } from 'node:crypto';

/** Client keys the end-to-end configuration grants; tests authenticate with these. */
export const KEYS = {
  /** Every account, every capability. */
  admin: 'test-admin-key',
  /** cn-isales only, and there only pause and resume. */
  operator: 'test-operator-key',
  /** in-ozonetel only. */
  ozonetelOnly: 'test-ozonetel-only-key',
} as const;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

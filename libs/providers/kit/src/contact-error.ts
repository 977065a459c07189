import { ContactError, GatewayError } from '@app/core';

/** A GatewayError's facts in the per-number shape of a contacts delete result. */
export function toContactError(error: GatewayError): ContactError {
  return { code: error.code, detail: error.detail, ...(error.provider ? { provider: error.provider } : {}) };
}

/** Probes and scrapes: most of the requests a gateway gets and nothing a trace needs, so no span. */
export const isUntracedPath = (url: string | undefined): boolean =>
  /^\/(health|metrics)(\/|\?|$)/.test(url ?? '');

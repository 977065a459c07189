import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Socket } from 'node:net';
import { createSecureContext, rootCertificates, SecureContext } from 'node:tls';
import { CONNECT_TIMEOUT_CODE } from './transport-errors';

export interface VendorAgentOptions {
  /** PEM of the account's extra CA(s), trusted alongside the system roots. */
  caPem?: string;
  /** How long a new connection may take to be ready: TCP connect, and the TLS handshake for https. */
  connectTimeoutMs: number;
  /** How long an idle keep-alive connection is kept (shorter if the vendor announces less). */
  keepAliveTimeoutMs: number;
}

/** The TCP keep-alive delay axios's http adapter gives each request's socket (`setKeepAlive(true, 60000)`). */
const AXIOS_SOCKET_KEEP_ALIVE_MS = 60_000;

/** One account's connection pools: keep-alive, one per scheme. */
export interface VendorAgents {
  http: HttpAgent;
  https: HttpsAgent;
  /** The account's secure context (system roots plus its CA), or undefined to use Node's default. */
  secureContext?: SecureContext;
  destroy(): void;
}

/**
 * Builds an account's agents. With a CA the TLS secure context is built here, once: passing `ca`
 * instead would make Node build a new context (parsing every system root) for each connection,
 * about 1 MB of memory each that is not given back. Certificates are always checked.
 */
export function createVendorAgents(options: VendorAgentOptions): VendorAgents {
  const secureContext = options.caPem
    ? createSecureContext({ ca: [...rootCertificates, options.caPem] })
    : undefined;
  const common = {
    keepAlive: true,
    // axios sets TCP keep-alive to 60 s on every request's socket, and the agent sets its own delay
    // each time a socket goes back to the pool: with the same delay Node skips the second setsockopt,
    // and with different ones every call pays for two.
    keepAliveMsecs: AXIOS_SOCKET_KEEP_ALIVE_MS,
    timeout: options.keepAliveTimeoutMs,
  };
  const http = withConnectTimeout(new HttpAgent(common), options.connectTimeoutMs, 'connect');
  const https = withConnectTimeout(
    new HttpsAgent({ ...common, rejectUnauthorized: true, ...(secureContext ? { secureContext } : {}) }),
    options.connectTimeoutMs,
    'secureConnect',
  );
  return {
    http,
    https,
    secureContext,
    destroy: () => {
      http.destroy();
      https.destroy();
    },
  };
}

/**
 * Node's agents have no connect timeout (their `timeout` is an idle timeout). Every new socket
 * gets a timer that destroys it with CONNECT_TIMEOUT_CODE unless it is ready (`ready`) in time.
 */
function withConnectTimeout<A extends HttpAgent>(agent: A, timeoutMs: number, ready: string): A {
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (...args: Parameters<HttpAgent['createConnection']>) => {
    const socket = create(...args);
    if (socket instanceof Socket && socket.connecting) {
      const timer = setTimeout(() => {
        const error = new Error(`The connection was not ready within ${timeoutMs} ms`);
        socket.destroy(Object.assign(error, { code: CONNECT_TIMEOUT_CODE }));
      }, timeoutMs);
      const clear = () => clearTimeout(timer);
      socket.once(ready, clear);
      socket.once('close', clear);
    }
    return socket;
  };
  return agent;
}

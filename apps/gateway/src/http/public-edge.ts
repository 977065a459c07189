import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { ConfigError } from '@app/config';

/** How the gateway is reached from outside: the public base URL and the proxies trusted to say it. */
export interface PublicEdgeOptions {
  /** `PUBLIC_BASE_URL`: the absolute URL clients use, with any path prefix (`https://api.example.com/cg`). */
  publicBaseUrl?: string;
  /** `TRUSTED_PROXIES`: addresses and CIDRs whose `X-Forwarded-*` headers are believed. */
  trustedProxies?: readonly string[];
}

/** A path prefix a proxy may announce: absolute path segments of URL-safe characters, 256 at most. */
const PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+\/?$/;

/** Reads PUBLIC_BASE_URL and TRUSTED_PROXIES; a bad value stops the start, the variable named. */
export function publicEdgeFromEnv(env: NodeJS.ProcessEnv): PublicEdgeOptions {
  const options: PublicEdgeOptions = {};
  if (env.PUBLIC_BASE_URL) options.publicBaseUrl = parsePublicBaseUrl(env.PUBLIC_BASE_URL);
  if (env.TRUSTED_PROXIES) {
    options.trustedProxies = env.TRUSTED_PROXIES.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    trustList(options.trustedProxies);
  }
  return options;
}

function parsePublicBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      'PUBLIC_BASE_URL',
      'must be an absolute http(s) URL such as https://api.example.com/cg',
    );
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username) {
    throw new ConfigError('PUBLIC_BASE_URL', 'must be an http(s) URL without credentials, query or fragment');
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The trusted addresses as a BlockList (IPv4 and IPv6, addresses and CIDRs). */
function trustList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const max = family === 6 ? 128 : 32;
    if (
      !family ||
      extra !== undefined ||
      (prefix !== undefined && (!/^\d{1,3}$/.test(bits) || prefix > max))
    ) {
      throw new ConfigError(
        'TRUSTED_PROXIES',
        `"${entry}" is not an IP address or CIDR (10.0.0.0/8, fd00::/8)`,
      );
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

/** `::ffff:10.0.0.1`, as a dual-stack socket names an IPv4 peer, is 10.0.0.1. */
function plainAddress(address: string): { address: string; type: 'ipv4' | 'ipv6' } | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], type: 'ipv4' };
  const family = isIP(address);
  return family ? { address, type: family === 6 ? 'ipv6' : 'ipv4' } : undefined;
}

/**
 * Where the gateway is, as its clients see it. `PUBLIC_BASE_URL` wins; otherwise a request that came
 * through a trusted proxy is believed about its host (`X-Forwarded-Host`), scheme (`X-Forwarded-Proto`)
 * and path prefix (`X-Forwarded-Prefix`); anything else is taken as reached directly.
 */
export class PublicEdge {
  private readonly trusted?: BlockList;
  readonly publicBaseUrl?: string;

  constructor(options: PublicEdgeOptions = {}) {
    this.publicBaseUrl = options.publicBaseUrl;
    this.trusted = options.trustedProxies?.length ? trustList(options.trustedProxies) : undefined;
  }

  /** Fastify's `trustProxy`: which hops' `X-Forwarded-For`, `-Host` and `-Proto` count. */
  get trustProxy(): false | ((address: string, hop: number) => boolean) {
    return this.trusted ? (address) => this.isTrusted(address) : false;
  }

  isTrusted(address: string | undefined): boolean {
    const plain = address === undefined ? undefined : plainAddress(address);
    return !!(plain && this.trusted?.check(plain.address, plain.type));
  }

  /** The prefix a trusted proxy announced (`/cg`), or ''. */
  forwardedPrefix(request: FastifyRequest): string {
    if (!this.isTrusted(request.socket.remoteAddress)) return '';
    const header = request.headers['x-forwarded-prefix'];
    const value = (Array.isArray(header) ? header[0] : header)?.split(',')[0].trim();
    return value && value.length <= 256 && PREFIX.test(value) ? value.replace(/\/+$/, '') : '';
  }

  /** The absolute base URL for this request: OpenAPI `servers`, and what Swagger UI's Try-it-out calls. */
  baseUrl(request: FastifyRequest): string {
    if (this.publicBaseUrl) return this.publicBaseUrl;
    // Fastify reads X-Forwarded-Host and -Proto itself, from trusted proxies only (trustProxy).
    return `${request.protocol}://${request.host}${this.forwardedPrefix(request)}`;
  }

  /** A path of the gateway as clients must use it: absolute with PUBLIC_BASE_URL, else under any announced prefix. */
  link(request: FastifyRequest, path: string): string {
    return `${this.publicBaseUrl ?? this.forwardedPrefix(request)}${path}`;
  }
}

const EDGES = new WeakMap<object, PublicEdge>();

/** Makes `edge` the one `publicLink` uses for the requests of this Fastify instance (and its children). */
export function registerPublicEdge(fastify: { addHook: FastifyInstanceHook }, edge: PublicEdge): void {
  fastify.addHook('onRequest', async (request) => {
    EDGES.set(request, edge);
    // For the request log (logging/logger-options.ts): the client's address, through trusted proxies.
    (request.raw as { clientAddress?: string }).clientAddress = request.ip;
  });
}

type FastifyInstanceHook = (name: 'onRequest', hook: (request: FastifyRequest) => Promise<void>) => unknown;

/** `path` (`/v1/operations/…`) as the client must call it; see PublicEdge.link. */
export function publicLink(request: FastifyRequest, path: string): string {
  return EDGES.get(request)?.link(request, path) ?? path;
}

/** The base of problem `type` URLs for this request: PUBLIC_BASE_URL, or '' for an absolute path. */
export function problemTypeBase(request: FastifyRequest): string | undefined {
  return EDGES.get(request)?.publicBaseUrl;
}

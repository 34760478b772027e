import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import { AppError } from '../errors/errors';

/*
 * Addresses a webhook must never reach: loopback, private, link-local (cloud metadata), CGNAT, reserved.
 * Two lists, because a BlockList matches IPv4 checks against IPv4-mapped IPv6 subnets too.
 */
const FORBIDDEN_V4 = new BlockList();
const FORBIDDEN_V6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, includes the metadata service 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated): relays into IPv6 on the provider's behalf
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN_V4.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 96], // unspecified, loopback (::1) and the deprecated IPv4-compatible block
  ['::ffff:0:0', 96], // IPv4-mapped: a public name resolving to one is a smuggling attempt
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT, RFC 2765): a translator reaches the embedded IPv4 address, private ones included
  ['64:ff9b::', 96], // NAT64 can reach any IPv4 address, private ones included
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['2002::', 16], // 6to4: embeds an IPv4 address, private ones included
  ['2001::', 32], // Teredo: embeds the server's and (obfuscated) client's IPv4 addresses
  ['100::', 64], // discard-only
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID (deprecated)
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32],
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 segment identifiers
  ['fc00::', 7], // unique local (ULA)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  FORBIDDEN_V6.addSubnet(net, bits, 'ipv6');

/** True when `ip` is an address partnerpay must not deliver to: isForbiddenAddress("169.254.169.254") → true, ("203.0.114.7") → false. */
export function isForbiddenAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return FORBIDDEN_V4.check(bare, 'ipv4');
  if (family === 6) return FORBIDDEN_V6.check(bare, 'ipv6');
  return true; // not an IP address at all: refuse rather than guess
}

export interface WebhookUrlOptions {
  /** PARTNERPAY_ALLOW_PRIVATE_WEBHOOKS: allow http and loopback/private targets (demo, tests). */
  allowPrivate: boolean;
  /** The field name used in the 400 (default `webhook_url`). */
  field?: string;
  /** DNS resolver (tests). */
  lookup?: (host: string) => Promise<string[]>;
  /** Told when the host does not resolve now (default: a process warning); the delivery-time check still protects. */
  warn?: (message: string) => void;
}

const systemLookup = async (host: string) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Refuses a tenant webhook URL that is not https, carries credentials, or resolves to a forbidden
 * address (throws 400 PARAM_ERROR naming webhook_url); a host that does not resolve now only warns.
 * Delivery re-checks each resolved address with
 * isForbiddenAddress, because DNS may change between this check and a delivery.
 */
export async function validateWebhookUrl(url: string, opts: WebhookUrlOptions): Promise<void> {
  const field = opts.field ?? 'webhook_url';
  const refuse = (issue: string) => AppError.invalid([{ field, issue }]);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw refuse('must be an absolute URL');
  }
  if (u.protocol !== 'https:' && !(opts.allowPrivate && u.protocol === 'http:')) throw refuse('must use https');
  if (u.username || u.password) throw refuse('must not contain credentials');
  if (u.hash) throw refuse('must not contain a fragment');
  if (opts.allowPrivate) return; // private targets allowed: nothing to resolve
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[] = [];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (opts.lookup ?? systemLookup)(host);
    } catch {
      addresses = [];
    }
  }
  // Offline or not yet in DNS: accepted with a warning. Every delivery checks the address it connects to.
  if (addresses.length === 0)
    return (opts.warn ?? ((m) => process.emitWarning(m, 'PartnerpayWebhookWarning')))(
      `${field}: host ${host} does not resolve now; deliveries will check the address they connect to`,
    );
  if (addresses.some(isForbiddenAddress)) throw refuse('must not point at a loopback, private, link-local or reserved address');
}

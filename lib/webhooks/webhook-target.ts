import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../errors';

/** Addresses a webhook may not reach unless SEGFLOW_WEBHOOK_ALLOW_PRIVATE is set: the host itself, private networks, link-local (cloud metadata). */
const BLOCKED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv6');

function blockedReason(address: string): string | null {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = v4mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  return BLOCKED.check(ip, family) ? 'a private, loopback or link-local address' : null;
}

/**
 * Checks a webhook URL before it is stored and again before every delivery (the name may resolve
 * elsewhere later): http or https only, no credentials in it, and — unless private targets are
 * allowed — every address the host resolves to is public. Throws invalid_input naming the problem.
 */
export async function checkWebhookTarget(raw: string, opts: { allowPrivate: boolean; resolve?: (host: string) => Promise<string[]> }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('invalid_input', `url: ${JSON.stringify(raw.slice(0, 200))} is not a URL`, { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('invalid_input', `url: only http and https webhooks are allowed (got ${url.protocol.replace(':', '')})`, { field: 'url' });
  }
  if (url.username || url.password)
    throw new AppError('invalid_input', 'url: must not carry a user name or password (the signature authenticates segflow)', { field: 'url' });
  if (opts.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const resolve = opts.resolve ?? (async (h: string) => (await lookup(h, { all: true, verbatim: true })).map((a) => a.address));
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    throw new AppError('invalid_input', `url: the host ${host} does not resolve`, { field: 'url' });
  }
  for (const a of addresses) {
    const reason = blockedReason(a);
    if (reason) {
      throw new AppError(
        'invalid_input',
        `url: ${isIP(host) ? `${host} is` : `${host} resolves to ${a},`} ${reason}; webhooks go to public addresses only (an administrator may allow private ones with SEGFLOW_WEBHOOK_ALLOW_PRIVATE=true)`,
        { field: 'url' },
      );
    }
  }
  return url;
}

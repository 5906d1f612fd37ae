import 'server-only';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { env } from '@/lib/env';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 of any v4 address
  ['fc00::', 7], // unique-local (incl. fd00:ec2::254, a metadata address)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** Whether an address is loopback, private, link-local, metadata or otherwise not a public host. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function privateAllowed(): boolean {
  return env().RUNLEDGER_WEBHOOK_ALLOW_PRIVATE;
}

export type ResolvedHost = { address: string; family: 4 | 6 };

/**
 * Resolves a destination's host and checks every address it has: one private address refuses the
 * whole host (a name may resolve differently on the next lookup). Returns the address to connect to,
 * so the request goes to the address checked (no second lookup a rebinding DNS could answer).
 */
export async function resolvePublic(url: URL): Promise<ResolvedHost> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) as 4 | 6 }]
    : ((await lookup(host, { all: true, verbatim: true })) as ResolvedHost[]);
  if (addresses.length === 0) throw new AddressRefused(`${host} does not resolve`);
  if (!privateAllowed()) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new AddressRefused(`${host} resolves to a private address (${bad.address})`);
  }
  return addresses[0]!;
}

export class AddressRefused extends Error {}

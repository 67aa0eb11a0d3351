/**
 * ATOM_HTTP_ALLOW: the hosts and networks outbound HTTP may reach even though they are private or
 * loopback. Entries are host names (`api.internal`), wildcard suffixes (`*.corp.example`), IPs
 * (`10.0.0.5`, `::1`) or CIDRs (`10.0.0.0/8`, `fd00::/8`).
 */
import { BlockList, isIP } from 'node:net';
import { AtomError } from '@atom/errors';
import { embeddedIPv4 } from './address-policy.js';

/** A compiled ATOM_HTTP_ALLOW. */
export interface AllowList {
  /** True when the host name (as written in the URL) is listed. */
  allowsHost(host: string): boolean;
  /** True when the address, or the IPv4 address inside it, is listed. */
  allowsAddress(address: string): boolean;
}

const HOST_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/**
 * Splits ATOM_HTTP_ALLOW (comma- or space-separated) into entries and checks each, so a typo stops
 * start-up with a clear message instead of silently allowing nothing.
 *
 * @example parseHttpAllow('127.0.0.1, 10.0.0.0/8 api.internal') // ['127.0.0.1', '10.0.0.0/8', 'api.internal']
 */
export function parseHttpAllow(env: string | undefined): string[] {
  const entries = (env ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  compileAllowList(entries);
  return entries;
}

/** Compiles allow-list entries; a malformed entry throws ATOM_ERR_CONFIG_INVALID. */
export function compileAllowList(entries: readonly string[]): AllowList {
  const networks = new BlockList();
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const text = entry
      .trim()
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    const [address = '', prefix, extra] = text.split('/');
    const family = isIP(address);
    if (family !== 0 && prefix === undefined) {
      networks.addAddress(address, family === 6 ? 'ipv6' : 'ipv4');
    } else if (family !== 0 && extra === undefined && /^\d{1,3}$/.test(prefix ?? '')) {
      const bits = Number(prefix);
      if (bits > (family === 6 ? 128 : 32)) throw invalidEntry(entry, 'the prefix length is too long');
      networks.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
    } else if (HOST_NAME.test(text.replace(/\.$/, ''))) {
      const name = text.replace(/\.$/, '');
      if (name.startsWith('*.')) suffixes.push(name.slice(1));
      else hosts.add(name);
    } else {
      throw invalidEntry(entry, 'expected a host name, an IP address or a CIDR such as 10.0.0.0/8');
    }
  }
  const listed = (address: string) => networks.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  return {
    allowsHost(host) {
      const name = host
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1')
        .replace(/\.$/, '');
      return hosts.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
    },
    allowsAddress(address) {
      const plain = address.split('%')[0] ?? address;
      if (isIP(plain) === 0) return false;
      const inner = embeddedIPv4(plain);
      return listed(plain) || (inner !== null && listed(inner));
    },
  };
}

function invalidEntry(entry: string, why: string): AtomError {
  return new AtomError('ATOM_ERR_CONFIG_INVALID', `ATOM_HTTP_ALLOW: "${entry}" is not valid: ${why}`);
}

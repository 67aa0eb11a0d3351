/**
 * Resolves a host once, refuses it when any of its addresses is blocked, and pins the connection
 * to the addresses that were checked: a DNS answer that changes between the check and the connect
 * (DNS rebinding) never reaches the socket.
 */
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { AtomError } from '@atom/errors';
import { blockedReason } from './address-policy.js';
import type { AllowList } from './allow-list.js';

/** The checked addresses of `hostname` (a name, or an IP literal with or without brackets). */
export async function resolveAllowed(hostname: string, allow: AllowList): Promise<LookupAddress[]> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  const addresses =
    literal === 0 ? await lookup(host, { all: true, verbatim: true }) : [{ address: host, family: literal }];
  if (allow.allowsHost(host)) return addresses;
  for (const { address } of addresses) {
    const reason = allow.allowsAddress(address) ? null : blockedReason(address);
    if (reason !== null) {
      const which = literal === 0 ? `"${host}" resolves to ${address}` : address;
      throw new AtomError(
        'ATOM_ERR_HTTP_BLOCKED_ADDRESS',
        `http.request refused ${which}, a ${reason} address; list it in ATOM_HTTP_ALLOW to allow it`,
        { retryable: false, data: { host, address, reason } },
      );
    }
  }
  return addresses;
}

/** A `lookup` for node:http that answers with the pre-checked addresses only. */
export function pinnedLookup(addresses: readonly LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const usable = family === 0 ? addresses : addresses.filter((entry) => entry.family === family);
    const [first] = usable;
    if (!first) {
      const error: NodeJS.ErrnoException = new Error(`no IPv${family} address was checked for this host`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
    } else if (options.all) {
      callback(null, [...usable]);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

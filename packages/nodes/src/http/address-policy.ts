/**
 * Which IP addresses outbound HTTP refuses by default: everything that is not a public unicast
 * address (private, loopback, link-local including cloud metadata at 169.254.169.254, CGNAT,
 * unspecified, multicast, reserved), also when hidden inside an IPv6 address (IPv4-mapped, NAT64,
 * 6to4).
 */
import { BlockList, isIP } from 'node:net';

type Range = readonly [network: string, prefix: number];

const RANGES: ReadonlyArray<readonly [label: string, family: 'ipv4' | 'ipv6', ranges: readonly Range[]]> = [
  ['unspecified', 'ipv4', [['0.0.0.0', 8]]],
  ['loopback', 'ipv4', [['127.0.0.0', 8]]],
  [
    'private',
    'ipv4',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
  ],
  ['link-local', 'ipv4', [['169.254.0.0', 16]]],
  ['shared (CGNAT)', 'ipv4', [['100.64.0.0', 10]]],
  [
    'reserved',
    'ipv4',
    [
      ['192.0.0.0', 24],
      ['198.18.0.0', 15],
      ['240.0.0.0', 4],
    ],
  ],
  ['multicast', 'ipv4', [['224.0.0.0', 4]]],
  ['unspecified', 'ipv6', [['::', 128]]],
  ['loopback', 'ipv6', [['::1', 128]]],
  // Deprecated IPv4-compatible addresses (::a.b.c.d): nothing public lives there.
  ['reserved', 'ipv6', [['::', 96]]],
  ['private', 'ipv6', [['fc00::', 7]]],
  ['link-local', 'ipv6', [['fe80::', 10]]],
  ['site-local', 'ipv6', [['fec0::', 10]]],
  ['multicast', 'ipv6', [['ff00::', 8]]],
];

const LISTS = RANGES.map(([label, family, ranges]) => {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family);
  return { label, family, list };
});

/** Why `address` is refused (`loopback`, `private`, …), or null for a public address. */
export function blockedReason(address: string): string | null {
  const plain = withoutZone(address);
  const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
  for (const { label, family: listFamily, list } of LISTS) {
    if (listFamily === family && list.check(plain, family)) return label;
  }
  const inner = embeddedIPv4(plain);
  return inner === null ? null : blockedReason(inner);
}

/**
 * The IPv4 address an IPv6 address carries and that the network would reach: IPv4-mapped
 * (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16); null otherwise.
 */
export function embeddedIPv4(address: string): string | null {
  const words = ipv6Words(withoutZone(address));
  if (!words) return null;
  const [w0, w1, w2, w3, w4, w5, w6, w7] = words as [number, number, number, number, number, number, number, number];
  const mapped = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0xffff;
  const nat64 = w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0;
  if (mapped || nat64) return ipv4FromWords(w6, w7);
  if (w0 === 0x2002) return ipv4FromWords(w1, w2);
  return null;
}

function ipv4FromWords(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit words of an IPv6 address, or null when it is not one. */
function ipv6Words(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headWords = head === '' ? [] : head.split(':');
  const restWords = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : Array<string>(8 - headWords.length - restWords.length).fill('0');
  return [...headWords, ...zeros, ...restWords].map((word) => Number.parseInt(word, 16));
}

function withoutZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}

/**
 * Classifies IP addresses for the image fetcher's SSRF guard: loopback, private,
 * link-local, unique-local, multicast and other non-public ranges are blocked
 * unless the caller allows them.
 * @module
 */

/** IPv4 ranges that are not public unicast: [network, prefix length, name]. */
const V4_BLOCKED: readonly [number, number, string][] = [
  [0x00000000, 8, "this-network"],
  [0x0a000000, 8, "private"],
  [0x64400000, 10, "carrier-grade NAT"],
  [0x7f000000, 8, "loopback"],
  [0xa9fe0000, 16, "link-local"],
  [0xac100000, 12, "private"],
  [0xc0000000, 24, "IETF protocol"],
  [0xc0000200, 24, "documentation"],
  [0xc0a80000, 16, "private"],
  [0xc6120000, 15, "benchmarking"],
  [0xc6336400, 24, "documentation"],
  [0xcb007100, 24, "documentation"],
  [0xe0000000, 4, "multicast"],
  [0xf0000000, 4, "reserved"],
];

/** Parses dotted-quad IPv4 into an unsigned 32-bit number, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Parses IPv6 (with "::" and an optional dotted IPv4 tail) into 8 groups, or undefined. */
export function parseIpv6(text: string): number[] | undefined {
  let body = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  let tail: number[] = [];
  const dotted = body.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted?.[1] !== undefined && dotted[2] !== undefined) {
    const n = parseIpv4(dotted[2]);
    if (n === undefined) return undefined;
    tail = [n >>> 16, n & 0xffff];
    body = dotted[1].endsWith("::") ? dotted[1] : dotted[1].slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const head = hexGroups(halves[0] ?? "");
  const rest = hexGroups(halves[1] ?? "");
  if (head === undefined || rest === undefined) return undefined;
  const missing = 8 - head.length - rest.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const zeros = new Array<number>(halves.length === 2 ? missing : 0).fill(0);
  return [...head, ...zeros, ...rest, ...tail];
}

function hexGroups(text: string): number[] | undefined {
  if (text === "") return [];
  const groups: number[] = [];
  for (const group of text.split(":")) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

function v4Block(address: number): string | undefined {
  for (const [network, bits, name] of V4_BLOCKED) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((address & mask) >>> 0) === network) return name;
  }
  if (address === 0xffffffff) return "broadcast";
  return undefined;
}

function v6Block(g: number[]): string | undefined {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h = 0, l = 0] = g;
  const embedded = ((h << 16) | l) >>> 0;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0xffff || f === 0) { // IPv4-mapped, IPv4-compatible, ::, ::1
      if (f === 0 && h === 0 && l <= 1) {
        return l === 0 ? "unspecified" : "loopback";
      }
      return v4Block(embedded) ?? (f === 0 ? "IPv4-compatible" : undefined);
    }
  }
  if (a === 0x64 && b === 0xff9b) return v4Block(embedded); // NAT64
  if (a === 0x2002) return v4Block(((b << 16) | c) >>> 0); // 6to4
  if ((a & 0xfe00) === 0xfc00) return "unique-local";
  if ((a & 0xffc0) === 0xfe80) return "link-local";
  if ((a & 0xffc0) === 0xfec0) return "site-local";
  if ((a & 0xff00) === 0xff00) return "multicast";
  if (a === 0x2001 && b === 0x0db8) return "documentation";
  if (a === 0x0100 && b === 0 && c === 0 && d === 0) return "discard";
  return undefined;
}

/**
 * Why `address` (IPv4 or IPv6 literal) is not a public unicast address, e.g.
 * "loopback"; undefined when it is public; "not an IP address" when unparsable.
 */
export function blockedRange(address: string): string | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return v4Block(v4);
  const v6 = parseIpv6(address);
  if (v6 !== undefined) return v6Block(v6);
  return "not an IP address";
}

/** Whether `hostname` is an IP literal (URL hostnames keep IPv6 in brackets). */
export function isIpLiteral(hostname: string): boolean {
  return parseIpv4(hostname) !== undefined || parseIpv6(hostname) !== undefined;
}

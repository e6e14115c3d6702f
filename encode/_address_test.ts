import assert from "node:assert/strict";
import { blockedRange, parseIpv6 } from "./_address.ts";

Deno.test("blockedRange() blocks non-public IPv4 and IPv6 addresses", () => {
  const blocked: [string, string][] = [
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["0.0.0.0", "this-network"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd00::1234", "unique-local"],
    ["fc00::", "unique-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:c0a8:0101::1", "private"],
    ["[::1]", "loopback"],
    ["not-an-ip", "not an IP address"],
  ];
  for (const [address, range] of blocked) {
    assert.equal(blockedRange(address), range, address);
  }
});

Deno.test("blockedRange() lets public addresses through", () => {
  for (
    const address of [
      "93.184.216.34",
      "8.8.8.8",
      "172.32.0.1",
      "2606:4700::1111",
      "::ffff:8.8.8.8",
    ]
  ) {
    assert.equal(blockedRange(address), undefined, address);
  }
});

Deno.test("parseIpv6() expands :: and dotted tails, rejects malformed text", () => {
  assert.deepEqual(parseIpv6("1::2"), [1, 0, 0, 0, 0, 0, 0, 2]);
  assert.deepEqual(parseIpv6("::ffff:1.2.3.4"), [
    0,
    0,
    0,
    0,
    0,
    0xffff,
    0x0102,
    0x0304,
  ]);
  assert.deepEqual(parseIpv6("1:2:3:4:5:6:7:8"), [1, 2, 3, 4, 5, 6, 7, 8]);
  for (
    const bad of ["1:2:3", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::g"]
  ) {
    assert.equal(parseIpv6(bad), undefined, bad);
  }
});

import { admits, checkAllowlist, entryProblem, formatAddress, parseAddress, parseAllowlistText, parseNetwork, withAddress } from "./ipAllowlist";

describe("IP allow-list (SEC-4)", () => {
  it("reads the textarea one entry per line, blanks and stray separators dropped", () => {
    expect(parseAllowlistText("  192.0.2.0/24\n\n2001:db8::/32 \r\n198.51.100.7, 203.0.113.1;\n")).toEqual([
      "192.0.2.0/24",
      "2001:db8::/32",
      "198.51.100.7",
      "203.0.113.1",
    ]);
    expect(parseAllowlistText(" \n ")).toEqual([]);
  });

  it("parses IPv4 and IPv6 addresses as inet_pton does, an IPv4-mapped address as IPv4", () => {
    expect(parseAddress("192.0.2.1")).toEqual({ v4: true, bytes: [192, 0, 2, 1] });
    expect(parseAddress("::ffff:192.0.2.1")).toEqual({ v4: true, bytes: [192, 0, 2, 1] });
    expect(parseAddress("::ffff:c000:201")).toEqual({ v4: true, bytes: [192, 0, 2, 1] });
    for (const bad of ["192.0.2", "192.0.2.256", "192.0.02.1", "1.2.3.4.5", "::1::", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "example.com", "", "12345::"])
      expect(parseAddress(bad)).toBeNull();
    for (const good of ["::", "::1", "2001:db8::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "2001:DB8:0:0:0:0:0:1", "64:ff9b::192.0.2.1"])
      expect(parseAddress(good)).not.toBeNull();
  });

  it("writes IPv6 as the server does: lower case, the longest run of zero groups compressed", () => {
    const f = (s: string) => formatAddress(parseAddress(s)!);
    expect(f("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(f("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(f("2001:db8:0:1:0:0:0:1")).toBe("2001:db8:0:1::1");
    expect(f("1:0:2:3:4:5:6:7")).toBe("1:0:2:3:4:5:6:7");
    expect(f("::")).toBe("::");
    expect(f("fe80::")).toBe("fe80::");
  });

  it("takes an address alone as one host, and checks the prefix length against the family", () => {
    expect(parseNetwork("192.0.2.7")).toEqual({ network: { address: { v4: true, bytes: [192, 0, 2, 7] }, prefix: 32 } });
    expect(parseNetwork("2001:db8::/32")).toMatchObject({ network: { prefix: 32 } });
    expect(parseNetwork("192.0.2.0/33")).toEqual({ problem: "prefix" });
    expect(parseNetwork("192.0.2.0/")).toEqual({ problem: "prefix" });
    expect(parseNetwork("2001:db8::/129")).toEqual({ problem: "prefix" });
    expect(parseNetwork("::ffff:192.0.2.0/120")).toEqual({ problem: "prefix" }); // IPv4 once unmapped, as the server reads it
    expect(parseNetwork("nonsense/24")).toEqual({ problem: "invalid" });
  });

  it("names the fault of an entry, suggesting the network or the host for bits past the prefix", () => {
    expect(entryProblem("192.0.2.0/24")).toBeNull();
    expect(entryProblem("0.0.0.0/0")).toBeNull();
    expect(entryProblem("2001:db8::/32")).toBeNull();
    expect(entryProblem("192.0.2.7/24")).toEqual({
      key: "ipRestriction.errors.hostBits",
      values: { entry: "192.0.2.7/24", network: "192.0.2.0/24", host: "192.0.2.7/32" },
    });
    expect(entryProblem("2001:db8::1/64")).toEqual({
      key: "ipRestriction.errors.hostBits",
      values: { entry: "2001:db8::1/64", network: "2001:db8::/64", host: "2001:db8::1/128" },
    });
    expect(entryProblem("10.0.0.300")).toEqual({ key: "ipRestriction.errors.invalid", values: { entry: "10.0.0.300" } });
    expect(entryProblem("10.0.0.0/40")).toEqual({ key: "ipRestriction.errors.prefix", values: { entry: "10.0.0.0/40" } });
  });

  it("sends each network once, refuses the first bad entry and more than 100 entries", () => {
    expect(checkAllowlist("192.0.2.7\n192.0.2.7/32\n10.0.0.0/8\n192.0.2.7")).toEqual({ ok: true, list: ["192.0.2.7", "10.0.0.0/8"] });
    expect(checkAllowlist("")).toEqual({ ok: true, list: [] });
    const bad = checkAllowlist("10.0.0.0/8\n192.0.2.7/24\nxyz");
    expect(bad.ok === false && bad.error.key).toBe("ipRestriction.errors.hostBits");
    const many = Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`).join("\n");
    expect(checkAllowlist(many)).toEqual({ ok: false, error: { key: "ipRestriction.errors.tooMany", values: { max: 100, count: 101 } } });
    expect(checkAllowlist(many.split("\n").slice(0, 100).join("\n")).ok).toBe(true);
  });

  it("tells whether the list holds an address, across IPv4-mapped forms", () => {
    expect(admits("192.0.2.0/24", "192.0.2.99")).toBe(true);
    expect(admits("192.0.2.0/24", "::ffff:192.0.2.99")).toBe(true);
    expect(admits("192.0.2.0/24\n2001:db8::/32", "2001:db8:1::5")).toBe(true);
    expect(admits("192.0.2.0/24", "198.51.100.1")).toBe(false);
    expect(admits("192.0.2.7/24 garbage", "192.0.2.1")).toBe(true); // a network with host bits still holds its addresses
    expect(admits("0.0.0.0/0", "2001:db8::1")).toBe(false);
    expect(admits("", "127.0.0.1")).toBe(false);
    expect(admits("127.0.0.1/32", "not an address")).toBe(false);
  });

  it("adds the caller's address on a line of its own, unless the list holds it already", () => {
    expect(withAddress("", "127.0.0.1")).toBe("127.0.0.1");
    expect(withAddress("192.0.2.0/24\n\n", "127.0.0.1")).toBe("192.0.2.0/24\n127.0.0.1");
    expect(withAddress("127.0.0.0/8", "127.0.0.1")).toBe("127.0.0.0/8");
  });
});

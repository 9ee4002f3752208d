import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatEventAt } from "./event-copy";
import { CompactRange, hashLeaf } from "../../audit-log/merkle";

const at = (us: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(us);
  return formatEventAt(b, 0);
};
const PG_EPOCH_US = 946_684_800_000_000n;

describe("event times as to_char writes them", () => {
  it("is Date.toISOString for years 1 to 9999, whole milliseconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        expect(at(BigInt(ms) * 1000n - PG_EPOCH_US)).toBe(new Date(ms).toISOString());
      }),
    );
    expect(at(0n)).toBe("2000-01-01T00:00:00.000Z");
    expect(at(1_999n)).toBe("2000-01-01T00:00:00.001Z");
    expect(at(-1n)).toBe("1999-12-31T23:59:59.999Z");
  });
  it("writes a year past 9999 without a sign, a BC year as its number, and infinity as null", () => {
    expect(at(BigInt(Date.UTC(10000, 0, 1)) * 1000n - PG_EPOCH_US)).toBe("10000-01-01T00:00:00.000Z");
    expect(at(BigInt(Date.UTC(-43, 2, 15)) * 1000n - PG_EPOCH_US)).toBe("0044-03-15T00:00:00.000Z");
    expect(at(0x7fffffffffffffffn)).toBeNull();
    expect(at(-0x8000000000000000n)).toBeNull();
  });
});

describe("CompactRange.appendSubtree", () => {
  it("gives the same range as appending the subtree's leaves one by one", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 12 }), (levels) => {
        const one = new CompactRange();
        const whole = new CompactRange();
        let leaf = 0;
        for (const l of levels) {
          while (one.size % 2 ** l !== 0) {
            const h = hashLeaf(String(leaf++));
            one.append(h);
            whole.append(h);
          }
          const sub = new CompactRange();
          for (let i = 0; i < 2 ** l; i++) {
            const h = hashLeaf(String(leaf++));
            one.append(h);
            sub.append(h);
          }
          whole.appendSubtree(l, sub.root());
        }
        expect(whole.size).toBe(one.size);
        expect(Buffer.from(whole.root()).equals(Buffer.from(one.root()))).toBe(true);
      }),
    );
  });
});

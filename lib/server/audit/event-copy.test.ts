import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CopyReader, formatEventAt, hashChunk, hashEventRows, rowCanonicalJson, rowLeafHashInto } from "./event-copy";
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

// One binary COPY tuple of EVENT_COPY_COLUMNS, as PostgreSQL writes it.
type TRow = { id: bigint; at: bigint; actorId: string | null; texts: (string | null)[]; summary: string | null };
function copyOf(rows: TRow[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])];
  const field = (b: Buffer | null) => {
    const l = Buffer.alloc(4);
    l.writeInt32BE(b === null ? -1 : b.length);
    parts.push(l);
    if (b) parts.push(b);
  };
  const int8 = (v: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    return b;
  };
  for (const r of rows) {
    parts.push(Buffer.from([0, 11]));
    const [actorRole, action, targetType, targetId, regionCode, requestId, ip] = r.texts;
    field(int8(r.id));
    field(int8(r.at));
    field(r.actorId === null ? null : Buffer.from(r.actorId.replace(/-/g, ""), "hex"));
    for (const t of [actorRole, action, targetType, targetId, regionCode]) field(t == null ? null : Buffer.from(t));
    field(r.summary === null ? null : Buffer.concat([Buffer.from([1]), Buffer.from(r.summary)]));
    for (const t of [requestId, ip]) field(t == null ? null : Buffer.from(t));
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

describe("a leaf written from the COPY bytes", () => {
  // jsonb_out of a flat object: keys by byte length then bytes, ", " and ": ", strings as JSON.stringify escapes them.
  const jsonbOut = (o: [string, string][]) =>
    "{" +
    [...new Map(o)]
      .sort(([a], [b]) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map(([k, v]) => `${JSON.stringify(k)}: ${v}`)
      .join(", ") +
    "}";
  const numericOut = fc.oneof(
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.constantFrom("0", "-0", "0.0", "-0.50", "1.10", "123456789012345", "1234567890123456", "9007199254740993"),
    fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.stringMatching(/^[0-9]{1,20}$/)).map(([i, f]) => `${i < 0n ? "-" : ""}${i < 0n ? -i : i}.${f}`),
  );
  const text = fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme-ascii" }), fc.constantFrom("pensioner.status", "520102", "系统", 'a"b', "a\\b", "a\nb", "\u2028", "\u007f"));
  const scalar = fc.oneof(text.map((x) => JSON.stringify(x)), numericOut, fc.constantFrom("true", "false", "null"));
  const key = fc.oneof(fc.string({ unit: "grapheme-ascii" }), fc.string({ unit: "grapheme" }), fc.constantFrom("period", "from", "to", "a", "b", "aa"));
  const summary = fc.oneof(
    fc.constant(null),
    fc.constant("{}"),
    fc.array(fc.tuple(key, scalar), { maxLength: 8 }).map(jsonbOut),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.constantFrom('{"a": {"b": 1}}', '{"a": [1, 2]}', '{"a": 1e5}', "[1]", '"x"', "1", '{"a":1}'),
  );
  const row = fc.record({
    id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }),
    at: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
    actorId: fc.option(fc.uuid(), { nil: null }),
    texts: fc.tuple(text, text, text, fc.option(text, { nil: null }), fc.option(text, { nil: null }), fc.option(text, { nil: null }), fc.option(text, { nil: null })),
    summary,
  });

  it("hashes to the string path's leaf whenever it takes the event, and takes the common one (property)", () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
        const r = new CopyReader(copyOf(rows), 11);
        const out = Buffer.alloc(32);
        while (r.next()) {
          if (!rowLeafHashInto(r, out, 0)) continue;
          fast++;
          expect(out.toString("hex")).toBe(Buffer.from(hashLeaf(rowCanonicalJson(r))).toString("hex"));
        }
      }),
      { numRuns: 1000 },
    );
    // About one generated event in seven qualifies (about 500 of some 3,500): 200 is far below any seed's count.
    expect(fast).toBeGreaterThan(200);
  });

  it("takes a typical event, and leaves escapes, nested summaries and non-ASCII keys to the string path", () => {
    const typical: TRow = {
      id: 123456n,
      at: 849_000_000_000_000n,
      actorId: "0193b7a2-5e1c-7000-8000-0123456789ab",
      texts: ["system", "pensioner.status", "pensioner", "0193b7a2-5e1c-7000-8000-000000000001", "520102", "req-1", null],
      summary: '{"s": 12, "to": "alive", "from": "suspected", "score": 0.731, "period": "2026-10"}',
    };
    const take = (t: TRow) => {
      const r = new CopyReader(copyOf([t]), 11);
      r.next();
      const out = Buffer.alloc(32);
      return rowLeafHashInto(r, out, 0) ? out.toString("hex") : null;
    };
    const r = new CopyReader(copyOf([typical]), 11);
    r.next();
    expect(take(typical)).toBe(Buffer.from(hashLeaf(rowCanonicalJson(r))).toString("hex"));
    expect(rowCanonicalJson(r)).toContain('"summary":{"from":"suspected","period":"2026-10","s":12,"score":0.731,"to":"alive"}');
    // Numbers numeric_out writes that ECMAScript writes otherwise: a 16-digit integer past 2^53, -0, a trailing zero.
    const numbers = { ...typical, summary: '{"a": -0, "b": 1.10, "big": 9007199254740993, "ok": 123456789012345}' };
    const rn = new CopyReader(copyOf([numbers]), 11);
    rn.next();
    expect(rowCanonicalJson(rn)).toContain('"summary":{"a":0,"b":1.1,"big":9007199254740992,"ok":123456789012345}');
    expect(take(numbers)).toBe(Buffer.from(hashLeaf(rowCanonicalJson(rn))).toString("hex"));
    // Decimals the byte path writes as they are, and the ones ECMAScript writes otherwise (an exponent under 1e-6, 16 digits).
    const decimals = { ...typical, summary: '{"a": 0.000001, "b": 0.0000001, "c": -0.000001, "d": 12.5, "e": 0.100000000000001, "f": 123456789012.345}' };
    const rd = new CopyReader(copyOf([decimals]), 11);
    rd.next();
    expect(rowCanonicalJson(rd)).toContain('"summary":{"a":0.000001,"b":1e-7,"c":-0.000001,"d":12.5,"e":0.100000000000001,"f":123456789012.345}');
    expect(take(decimals)).toBe(Buffer.from(hashLeaf(rowCanonicalJson(rd))).toString("hex"));
    for (const t of [
      { ...typical, texts: ['say "hi"', ...typical.texts.slice(1)] },
      { ...typical, texts: ["line\nbreak", ...typical.texts.slice(1)] },
      { ...typical, summary: '{"a": {"b": 1}}' },
      { ...typical, summary: '{"é": 1}' },
      { ...typical, summary: '{"a": "x\\"y"}' },
    ])
      expect(take(t)).toBeNull();
  });
});

describe("hashChunk finds each leaf's event", () => {
  const leavesCopy = (ids: bigint[]) => {
    const parts: Buffer[] = [Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])];
    ids.forEach((id, seq) => {
      const b = Buffer.alloc(2 + 2 * 12);
      b.writeInt16BE(2, 0);
      b.writeInt32BE(8, 2);
      b.writeBigInt64BE(BigInt(seq), 6);
      b.writeInt32BE(8, 14);
      b.writeBigInt64BE(id, 18);
      parts.push(b);
    });
    parts.push(Buffer.from([0xff, 0xff]));
    return Buffer.concat(parts);
  };
  const ev = (id: bigint): TRow => ({ id, at: 849_000_000_000_000n, actorId: null, texts: ["system", "a", "t", `${id}`, "520102", null, null], summary: `{"n": ${id}}` });

  it("by id, whether the ids are dense (a typed array) or scattered (maps), and a missing event is a deleted leaf", () => {
    for (const ids of [[5n, 6n, 7n, 9n], [1n, 10_000_000n, 20_000_000n, 30_000_000n], [1n, 10_000_000n, 20_000_000n, 2n ** 60n], [3n, 2n ** 62n]]) {
      const present = ids.filter((_, k) => k !== 2);
      const events = copyOf([...present].reverse().map(ev));
      const r = hashChunk({ lo: 0, leaves: leavesCopy(ids), events });
      const expected = hashEventRows(copyOf(present.map(ev)));
      expect(r.count).toBe(ids.length);
      expect(r.deleted).toEqual(ids.length > 2 ? [2] : []);
      const got = Buffer.from(r.levels[0]!);
      present.forEach((id, k) => {
        const leaf = ids.indexOf(id);
        expect(got.subarray(32 * leaf, 32 * leaf + 32).toString("hex"), String(id)).toBe(expected.hashes.subarray(32 * k, 32 * k + 32).toString("hex"));
      });
    }
  });
});

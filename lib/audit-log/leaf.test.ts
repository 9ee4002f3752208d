import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalEventJson, eventLeafHash, fastCanonicalEventJson, type TLeafEvent } from "./leaf";

const event: TLeafEvent = {
  id: "42",
  at: "2026-11-24T10:00:00.123Z",
  actorId: null,
  actorRole: "system",
  action: "pensioner.update",
  targetType: "pensioner",
  targetId: "7c0e…",
  regionCode: "520102",
  summary: { z: 1.0, a: [true, null, "é"], "\u20ac": 1e21, b: { y: 2, x: -0 } },
  requestId: "r-1",
  ip: "127.0.0.1",
};

describe("leaf canonical JSON (RFC 8785)", () => {
  it("sorts keys by UTF-16 code units and writes numbers as ECMAScript does", () => {
    expect(canonicalEventJson(event)).toBe(
      '{"action":"pensioner.update","actorId":null,"actorRole":"system","at":"2026-11-24T10:00:00.123Z","id":"42","ip":"127.0.0.1","regionCode":"520102","requestId":"r-1",' +
        '"summary":{"a":[true,null,"é"],"b":{"x":0,"y":2},"z":1,"€":1e+21},"targetId":"7c0e…","targetType":"pensioner"}',
    );
  });
  it("the fast path writes the same bytes as the library (property)", () => {
    const text = fc.option(fc.string({ unit: "grapheme" }), { nil: null });
    fc.assert(
      fc.property(
        fc.record({
          id: fc.bigInt({ min: 1n, max: 2n ** 62n }).map(String),
          at: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
          actorId: fc.option(fc.uuid(), { nil: null }),
          actorRole: fc.string({ unit: "grapheme" }),
          action: fc.string({ unit: "grapheme" }),
          targetType: fc.string({ unit: "grapheme" }),
          targetId: text,
          regionCode: text,
          summary: fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v))),
          requestId: text,
          ip: text,
        }),
        (e) => {
          expect(fastCanonicalEventJson(e)).toBe(canonicalEventJson(e));
        },
      ),
      { numRuns: 300 },
    );
  });
  it("any field changes the leaf hash", () => {
    const h = Buffer.from(eventLeafHash(event)).toString("hex");
    for (const [k, v] of Object.entries({ id: "43", at: "2026-11-24T10:00:00.124Z", actorRole: "officer", regionCode: null, summary: {}, ip: null })) {
      expect(Buffer.from(eventLeafHash({ ...event, [k]: v })).toString("hex"), k).not.toBe(h);
    }
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalEventJson, canonicalEventJsonWithSummary, canonicalJsonbText, eventLeafHash, fastCanonicalEventJson, type TLeafEvent } from "./leaf";

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
  // jsonb_out of a flat object: keys by length then bytes, ", " and ": ", strings escaped as
  // escape_json does (JSON.stringify's escapes), numbers as numeric_out (plain digits, scale kept).
  const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const jsonbOut = (o: [string, string][]) =>
    "{" +
    [...new Map(o)]
      .sort(([a], [b]) => Buffer.byteLength(a) - Buffer.byteLength(b) || byteOrder(a, b))
      .map(([k, v]) => `${JSON.stringify(k)}: ${v}`)
      .join(", ") +
    "}";
  const numericOut = fc.oneof(
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.stringMatching(/^[0-9]{1,20}$/)).map(([i, f]) => `${i < 0n ? "-" : ""}${i < 0n ? -i : i}.${f}`),
  );
  const scalar = fc.oneof(fc.string({ unit: "grapheme" }).map((x) => JSON.stringify(x)), numericOut, fc.constantFrom("true", "false", "null"));
  it("a flat summary written from jsonb's text gives the library's bytes (property)", () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: "grapheme" }), scalar), { maxLength: 12 }), (pairs) => {
        const text = jsonbOut(pairs);
        const flat = canonicalJsonbText(text);
        const e = { ...event, summary: JSON.parse(text) };
        if (flat !== undefined) {
          fast++;
          expect(canonicalEventJsonWithSummary(e, flat)).toBe(canonicalEventJson(e));
        } else expect(text).toMatch(/\\/);
      }),
      { numRuns: 500 },
    );
    expect(fast).toBeGreaterThan(100);
  });
  it("leaves anything but a flat object of plain tokens to the parser", () => {
    for (const t of ['{"a": {"b": 1}}', '{"a": [1]}', '{"a": "x\\"y"}', '{"a":1}', '{"a": 1e5}', '{"a": .5}', "[1]", '"x"', "1", '{"a": 1, "a": 2}', '{"a": 1,}'])
      expect(canonicalJsonbText(t), t).toBeUndefined();
    expect(canonicalJsonbText('{"b": -0, "a": 1.50, "c": true, "bb": null, "€": "é"}')).toBe('{"a":1.5,"b":0,"bb":null,"c":true,"€":"é"}');
  });
  it("any field changes the leaf hash", () => {
    const h = Buffer.from(eventLeafHash(event)).toString("hex");
    for (const [k, v] of Object.entries({ id: "43", at: "2026-11-24T10:00:00.124Z", actorRole: "officer", regionCode: null, summary: {}, ip: null })) {
      expect(Buffer.from(eventLeafHash({ ...event, [k]: v })).toString("hex"), k).not.toBe(h);
    }
  });
});

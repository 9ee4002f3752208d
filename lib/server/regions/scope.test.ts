import { describe, expect, it } from "vitest";
import { inScope, narrowScope, overlapsScope, scopePatterns } from "./scope";

describe("region scoping", () => {
  it("lets a province scope cover its cities and counties", () => {
    expect(inScope("520102", ["52"])).toBe(true);
    expect(inScope("5203", ["52"])).toBe(true);
    expect(inScope("530102", ["52"])).toBe(false);
  });
  it("keeps a city officer out of a neighbouring city", () => {
    expect(inScope("520102", ["5201"])).toBe(true);
    expect(inScope("520302", ["5201"])).toBe(false);
  });
  it("shows a county officer her city and province as ancestors, not her neighbours", () => {
    expect(overlapsScope("5201", ["520102"])).toBe(true);
    expect(overlapsScope("52", ["520102"])).toBe(true);
    expect(overlapsScope("5203", ["520102"])).toBe(false);
  });
  it("denies everything to an empty scope", () => {
    expect(inScope("520102", [])).toBe(false);
    expect(narrowScope(undefined, [])).toEqual([]);
  });
  it("narrows a requested filter to the caller's scope", () => {
    expect(narrowScope("520102", ["5201"])).toEqual(["520102"]);
    expect(narrowScope("52", ["5201", "5203"])).toEqual(["5201", "5203"]);
    expect(narrowScope("5203", ["5201"])).toBeNull();
  });
  it("builds LIKE patterns that cannot be widened by wildcards", () => {
    expect(scopePatterns(["5201", "52%_"])).toEqual(["5201%", "52%"]);
  });
});

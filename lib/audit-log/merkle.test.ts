import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CompactRange,
  EMPTY_ROOT,
  compactRangeNodes,
  consistencyProof,
  hashLeaf,
  inclusionProof,
  memoryNodeSource,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from "./merkle";

// Test vectors of the Certificate Transparency / transparency-dev Merkle library (RFC 6962 trees
// over these eight leaves), transparency-dev/merkle proof/verify_test.go.
const hex = (s: string) => Buffer.from(s, "hex");
const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map(hex);
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
].map(hex);
// [leaf (1-based), tree size, proof]
const INCLUSION: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
  [6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
];
const leafHashes = LEAVES.map((l) => hashLeaf(l));
const src = memoryNodeSource(leafHashes);
const flip = (h: Uint8Array, bit = 3) => {
  const c = Buffer.from(h);
  c[0]! ^= 1 << bit;
  return c;
};
const SOME = hex("abacaba000000000000000000000000000000000000000000060061e00123456");

describe("RFC 6962 tree hashes", () => {
  it("empty tree is SHA-256 of nothing", () => {
    expect(Buffer.from(EMPTY_ROOT).toString("hex")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(rootOf([])).toEqual(EMPTY_ROOT);
  });
  it("roots of 1..8 leaves match the CT vectors", () => {
    for (let n = 1; n <= 8; n++) expect(Buffer.from(rootOf(leafHashes.slice(0, n))).toString("hex"), `size ${n}`).toBe(ROOTS[n - 1]!.toString("hex"));
  });
  it("compact range reports every completed perfect subtree, and rebuilds from its subtrees", () => {
    const seen: string[] = [];
    const r = new CompactRange();
    leafHashes.slice(0, 7).forEach((h) => r.append(h, (level, index) => seen.push(`${level}:${index}`)));
    expect(seen).toEqual(["1:0", "1:1", "2:0", "1:2"]);
    expect(compactRangeNodes(7)).toEqual([{ level: 2, index: 0 }, { level: 1, index: 2 }, { level: 0, index: 6 }]);
    const again = CompactRange.fromSubtrees(7, compactRangeNodes(7).map((n) => src(n.level, n.index)));
    again.append(leafHashes[7]!);
    expect(again.root()).toEqual(ROOTS[7]);
  });
});

describe("inclusion proofs", () => {
  it.each(INCLUSION)("leaf %i of %i: generated and verified as the vector", (leaf, size, proof) => {
    const got = inclusionProof(leaf - 1, size, src);
    expect(got.map((h) => Buffer.from(h).toString("hex"))).toEqual(proof);
    expect(verifyInclusion(leaf - 1, size, leafHashes[leaf - 1]!, got, ROOTS[size - 1]!)).toBe(true);
  });

  it.each(INCLUSION.filter(([, , p]) => p.length > 0))("leaf %i of %i: every corruption is refused", (leaf, size, hexProof) => {
    const proof = hexProof.map(hex);
    const root = ROOTS[size - 1]!;
    const lh = leafHashes[leaf - 1]!;
    const i = leaf - 1;
    const bad: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
      [i - 1, size, lh, proof, root],
      [i + 1, size, lh, proof, root],
      [i ^ 2, size, lh, proof, root],
      [i, size * 2, lh, proof, root],
      [i, Math.floor(size / 2), lh, proof, root],
      [i, size, Buffer.from("WrongLeaf"), proof, root],
      [i, size, hashLeaf("WrongLeaf"), proof, root],
      [i, size, lh, proof, EMPTY_ROOT],
      [i, size, lh, proof, SOME],
      [i, size, lh, [...proof, Buffer.alloc(0)], root],
      [i, size, lh, [...proof, root], root],
      [i, size, lh, [Buffer.alloc(0), ...proof], root],
      [i, size, lh, [root, ...proof], root],
      [i, size, lh, proof.slice(0, -1), root],
      [i, size, lh, [proof[0]!, SOME, ...proof.slice(1)], root],
      ...proof.map((_, k): [number, number, Uint8Array, Uint8Array[], Uint8Array] => [i, size, lh, proof.map((p, j) => (j === k ? flip(p) : p)), root]),
    ];
    for (const [idx, sz, l, p, r] of bad) expect(verifyInclusion(idx, sz, l, p, r)).toBe(false);
  });

  it("an empty proof proves nothing for sizes 0, 1 and out of range", () => {
    expect(verifyInclusion(0, 0, SOME, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(1, 0, SOME, [], SOME)).toBe(false);
    expect(verifyInclusion(2, 1, SOME, [], SOME)).toBe(false);
    expect(verifyInclusion(0, 1, SOME, [], SOME)).toBe(true);
  });
});

describe("consistency proofs", () => {
  it.each(CONSISTENCY)("%i → %i: generated and verified as the vector", (m, n, proof) => {
    const got = consistencyProof(m, n, src);
    expect(got.map((h) => Buffer.from(h).toString("hex"))).toEqual(proof);
    expect(verifyConsistency(m, n, ROOTS[m - 1]!, ROOTS[n - 1]!, got)).toBe(true);
  });

  it.each(CONSISTENCY.filter(([, , p]) => p.length > 0))("%i → %i: every corruption is refused", (m, n, hexProof) => {
    const proof = hexProof.map(hex);
    const [r1, r2] = [ROOTS[m - 1]!, ROOTS[n - 1]!];
    const bad: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
      [m - 1, n, r1, r2, proof],
      [m + 1, n, r1, r2, proof],
      [m ^ 2, n, r1, r2, proof],
      [m, n * 2, r1, r2, proof],
      [m, Math.floor(n / 2), r1, r2, proof],
      [m, n, Buffer.from("WrongRoot"), r2, proof],
      [m, n, r1, SOME, proof],
      [m, n, r2, r1, proof],
      [m, n, r1, r2, []],
      [m, n, r1, r2, [...proof, Buffer.alloc(0)]],
      [m, n, r1, r2, [...proof, r1]],
      [m, n, r1, r2, [...proof, r2]],
      [m, n, r1, r2, [r1, ...proof]],
      [m, n, r1, r2, [r2, ...proof]],
      [m, n, r1, r2, [proof[0]!, ...proof]],
      [m, n, r1, r2, proof.slice(0, -1)],
      ...proof.map((_, k): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [m, n, r1, r2, proof.map((p, j) => (j === k ? flip(p, 4) : p))]),
    ];
    for (const [a, b, x, y, p] of bad) expect(verifyConsistency(a, b, x, y, p)).toBe(false);
  });

  it("edge sizes as RFC 9162 has them", () => {
    const [r1, r2] = [SOME, EMPTY_ROOT];
    expect(verifyConsistency(0, 0, r1, r1, [])).toBe(true);
    expect(verifyConsistency(0, 1, r1, r2, [])).toBe(true);
    expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 0, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false);
    expect(verifyConsistency(1, 1, r1, r1, [EMPTY_ROOT])).toBe(false);
  });

  it("for random trees, every generated proof verifies (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 299 }), fc.integer({ min: 0, max: 299 }), (n, a, b) => {
        const leaves = Array.from({ length: n }, (_, i) => hashLeaf(`leaf ${i}`));
        const s = memoryNodeSource(leaves);
        const root = rootOf(leaves);
        const i = a % n;
        expect(verifyInclusion(i, n, leaves[i]!, inclusionProof(i, n, s), root)).toBe(true);
        const m = (b % n) + 1;
        const rm = rootOf(leaves.slice(0, m));
        expect(verifyConsistency(m, n, rm, root, consistencyProof(m, n, s))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

import { createHash, hash } from "node:crypto";

// RFC 6962 §2.1 Merkle hash trees (SHA-256), with the proof verification algorithms of RFC 9162
// §2.1.3.2 and §2.1.4.2. Pure: no database, no server-only, so an auditor can run it anywhere.
// Tree sizes and indexes are plain numbers (safe integers); bit operations are done arithmetically
// because JavaScript's bitwise operators truncate to 32 bits.

export type THash = Uint8Array;
export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: THash = createHash("sha256").digest();

// crypto.hash (one-shot) is about a third faster than createHash for inputs this small.
export function hashLeaf(data: Uint8Array | string): THash {
  if (typeof data === "string") return hash("sha256", "\u0000" + data, "buffer");
  return createHash("sha256").update(LEAF_PREFIX).update(data).digest();
}

const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = NODE_PREFIX[0]!;
export function hashChildren(left: THash, right: THash): THash {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash("sha256", nodeInput, "buffer");
}

/** The largest power of two strictly less than n (n > 1): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPow2 = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;
const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

export function equalHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/**
 * The right edge of a tree being built leaf by leaf (a "compact range" from 0): one perfect
 * subtree hash per set bit of the size, largest first. Appending costs amortised O(1) hashes; each
 * completed perfect subtree is reported to `onNode(level, index, hash)` so it can be stored.
 */
export class CompactRange {
  size = 0;
  readonly stack: THash[] = [];

  static fromSubtrees(size: number, subtrees: THash[]): CompactRange {
    const r = new CompactRange();
    const bits = [...size.toString(2)].filter((b) => b === "1").length;
    if (subtrees.length !== bits) throw new Error(`a compact range of size ${size} has ${bits} subtrees, not ${subtrees.length}`);
    r.size = size;
    r.stack.push(...subtrees);
    return r;
  }

  append(leafHash: THash, onNode?: (level: number, index: number, hash: THash) => void): void {
    let h = leafHash;
    let s = this.size;
    let level = 0;
    const newSize = this.size + 1;
    while (odd(s)) {
      h = hashChildren(this.stack.pop()!, h);
      s = half(s);
      level++;
      onNode?.(level, newSize / 2 ** level - 1, h);
    }
    this.stack.push(h);
    this.size = newSize;
  }

  /**
   * Appends a perfect subtree of 2^level leaves at once (its hash), as appending those leaves one by
   * one would; the size must be a multiple of 2^level. Completed subtrees above it go to onNode.
   */
  appendSubtree(level: number, subtreeHash: THash, onNode?: (level: number, index: number, hash: THash) => void): void {
    const w = 2 ** level;
    if (this.size % w !== 0) throw new Error(`a subtree of ${w} leaves cannot follow ${this.size} leaves`);
    let h = subtreeHash;
    let s = this.size / w;
    let l = level;
    const newSize = this.size + w;
    while (odd(s)) {
      h = hashChildren(this.stack.pop()!, h);
      s = half(s);
      l++;
      onNode?.(l, newSize / 2 ** l - 1, h);
    }
    this.stack.push(h);
    this.size = newSize;
  }

  root(): THash {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let r = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i--) r = hashChildren(this.stack[i]!, r);
    return r;
  }
}

/** The perfect subtrees (level, index) whose hashes make up the compact range [0, size), largest first. */
export function compactRangeNodes(size: number): { level: number; index: number }[] {
  const out: { level: number; index: number }[] = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))) + 1; level >= 0; level--) {
    const w = 2 ** level;
    if (start + w <= size) {
      out.push({ level, index: start / w });
      start += w;
    }
  }
  return out;
}

/** MTH(D[0:n]) of a list of leaf hashes. */
export function rootOf(leafHashes: readonly THash[]): THash {
  const r = new CompactRange();
  for (const h of leafHashes) r.append(h);
  return r.root();
}

/**
 * Source of perfect subtree hashes: node(level, index) is MTH of leaves [index·2^level, (index+1)·2^level).
 * Proof generation asks only for perfect subtrees inside the tree, so a store can keep them.
 */
export type TNodeSource = (level: number, index: number) => THash;

/** MTH(D[lo:hi]) where lo is aligned as RFC 6962's recursion leaves it (a multiple of the split). */
export function rangeHash(lo: number, hi: number, node: TNodeSource): THash {
  const n = hi - lo;
  if (n <= 0) throw new Error(`empty range [${lo}, ${hi})`);
  if (isPow2(n) && lo % n === 0) return node(Math.log2(n), lo / n);
  const k = splitPoint(n);
  return hashChildren(rangeHash(lo, lo + k, node), rangeHash(lo + k, hi, node));
}

function checkSize(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
}

/** RFC 6962 §2.1.1 PATH(m, D[n]): the audit path of leaf m in the tree of size n. */
export function inclusionProof(m: number, n: number, node: TNodeSource): THash[] {
  checkSize("index", m);
  checkSize("tree size", n);
  if (m >= n) throw new RangeError(`leaf ${m} is not in a tree of size ${n}`);
  const path: THash[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    const n = hi - lo;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, lo, lo + k);
      path.push(rangeHash(lo + k, hi, node));
    } else {
      walk(m - k, lo + k, hi);
      path.push(rangeHash(lo, lo + k, node));
    }
  };
  walk(m, 0, n);
  return path;
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]): the consistency proof between the trees of sizes m and n. */
export function consistencyProof(m: number, n: number, node: TNodeSource): THash[] {
  checkSize("first size", m);
  checkSize("second size", n);
  if (m > n) throw new RangeError(`first size ${m} is larger than second size ${n}`);
  if (m === 0 || m === n) return [];
  const proof: THash[] = [];
  const sub = (m: number, lo: number, hi: number, b: boolean): void => {
    const n = hi - lo;
    if (m === n) {
      if (!b) proof.push(rangeHash(lo, hi, node));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, lo, lo + k, b);
      proof.push(rangeHash(lo + k, hi, node));
    } else {
      sub(m - k, lo + k, hi, false);
      proof.push(rangeHash(lo, lo + k, node));
    }
  };
  sub(m, 0, n, true);
  return proof;
}

export class ProofError extends Error {}

function checkHashes(what: string, hashes: readonly Uint8Array[]): void {
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new ProofError(`${what}[${i}] is ${h.length} bytes, not ${HASH_SIZE}`);
  });
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to. Throws ProofError on a malformed proof. */
export function rootFromInclusionProof(index: number, size: number, leafHash: THash, proof: readonly THash[]): THash {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0) throw new ProofError("bad index or size");
  if (index >= size) throw new ProofError(`leaf index ${index} is not below tree size ${size}`);
  checkHashes("leaf", [leafHash]);
  checkHashes("proof", proof);
  let fn = index;
  let sn = size - 1;
  let r: THash = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new ProofError("proof is longer than the tree is deep");
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError("proof is shorter than the tree is deep");
  return r;
}

export function verifyInclusion(index: number, size: number, leafHash: THash, proof: readonly THash[], root: THash): boolean {
  try {
    return equalHash(rootFromInclusionProof(index, size, leafHash, proof), root);
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}

/** RFC 9162 §2.1.4.2: does `proof` show that the tree (size1, root1) is a prefix of (size2, root2)? */
export function verifyConsistency(size1: number, size2: number, root1: THash, root2: THash, proof: readonly THash[]): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) return false;
  if ([root1, root2, ...proof].some((h) => h.length !== HASH_SIZE)) return false;
  if (size1 === size2) return proof.length === 0 && equalHash(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPow2(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalHash(fr, root1) && equalHash(sr, root2);
}

/** A node source over an in-memory list of leaf hashes (tests, exports, small trees). */
export function memoryNodeSource(leafHashes: readonly THash[]): TNodeSource {
  const cache = new Map<string, THash>();
  const node: TNodeSource = (level, index) => {
    if (level === 0) {
      const h = leafHashes[index];
      if (!h) throw new RangeError(`no leaf ${index}`);
      return h;
    }
    const key = `${level}:${index}`;
    let h = cache.get(key);
    if (!h) {
      h = hashChildren(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
      cache.set(key, h);
    }
    return h;
  };
  return node;
}

import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CheckpointError, parseCheckpointNote, signCheckpoint, verifyCheckpoint } from "./checkpoint";
import { eventLeafHash, type TLeafEvent } from "./leaf";
import { consistencyProof, inclusionProof, memoryNodeSource, rootOf } from "./merkle";
import { verifyAuditExport, verifyConsistencyBundle, verifyInclusionBundle, type TAuditExport } from "./verify-proof";

const ORIGIN = "test.pension/audit/v1";
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");

const events: TLeafEvent[] = Array.from({ length: 11 }, (_, i) => ({
  id: String(i + 100),
  at: new Date(Date.UTC(2026, 10, 24, 10, 0, i)).toISOString(),
  actorId: null,
  actorRole: "system",
  action: "test.event",
  targetType: "test",
  targetId: `t${i}`,
  regionCode: "520102",
  summary: { i },
  requestId: null,
  ip: null,
}));
const leaves = events.map(eventLeafHash);
const src = memoryNodeSource(leaves);
const cp = (size: number, key = privateKey) => signCheckpoint({ origin: ORIGIN, size, root: rootOf(leaves.slice(0, size)) }, key).note;
const b64 = (hs: Uint8Array[]) => hs.map((h) => Buffer.from(h).toString("base64"));

describe("signed checkpoints (C2SP signed note)", () => {
  it("round-trips and verifies with the right key and origin", () => {
    const note = cp(11);
    expect(note).toMatch(new RegExp(`^${ORIGIN.replace(/\//g, "\\/")}\\n11\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 ${ORIGIN.replace(/\//g, "\\/")} [A-Za-z0-9+/=]+\\n$`));
    expect(verifyCheckpoint(note, publicKey, ORIGIN)).toEqual({ origin: ORIGIN, size: 11, root: Buffer.from(rootOf(leaves)) });
  });
  it("refuses a forged signature, another key, another origin, an edited body", () => {
    const note = cp(11);
    expect(() => verifyCheckpoint(cp(11, other.privateKey), publicKey, ORIGIN)).toThrow(CheckpointError);
    expect(() => verifyCheckpoint(note, other.publicKey, ORIGIN)).toThrow(/no signature by the expected key/);
    expect(() => verifyCheckpoint(note, publicKey, "other/origin")).toThrow(/unexpected origin/);
    expect(() => verifyCheckpoint(note.replace("\n11\n", "\n12\n"), publicKey, ORIGIN)).toThrow(/does not verify/);
    const { signatures } = parseCheckpointNote(note);
    const sig = Buffer.from(signatures[0]!.signature);
    sig[10]! ^= 1;
    const forged = note.replace(/ [A-Za-z0-9+/=]+\n$/, ` ${Buffer.concat([signatures[0]!.keyId, sig]).toString("base64")}\n`);
    expect(() => verifyCheckpoint(forged, publicKey, ORIGIN)).toThrow(/does not verify/);
    expect(() => verifyCheckpoint(note.replace("\n\n", "\n"), publicKey, ORIGIN)).toThrow(CheckpointError);
  });
});

describe("verifying bundles without trusting the server", () => {
  const bundle = (i: number, size: number) => ({ event: events[i]!, leafIndex: i, treeSize: size, proof: b64(inclusionProof(i, size, src)), checkpoint: cp(size) });

  it("accepts a genuine inclusion proof", () => {
    for (const size of [1, 5, 8, 11]) for (let i = 0; i < size; i++) expect(verifyInclusionBundle(bundle(i, size), publicKey, ORIGIN).ok).toBe(true);
  });
  it("refuses an altered event, a mutated proof, a wrong index, a wrong tree size, a forged checkpoint", () => {
    const b = bundle(6, 11);
    const refuse = (x: typeof b) => expect(verifyInclusionBundle(x, publicKey, ORIGIN).ok).toBe(false);
    refuse({ ...b, event: { ...b.event, summary: { i: 7 } } });
    refuse({ ...b, event: { ...b.event, actorRole: "admin" } });
    refuse({ ...b, proof: [...b.proof].reverse() });
    refuse({ ...b, proof: b.proof.slice(1) });
    refuse({ ...b, proof: [...b.proof, b.proof[0]!] });
    refuse({ ...b, proof: b.proof.map((p, i) => (i === 1 ? Buffer.from(p, "base64").fill(0).toString("base64") : p)) });
    refuse({ ...b, proof: ["not base64!", ...b.proof.slice(1)] });
    refuse({ ...b, leafIndex: 7 });
    refuse({ ...b, treeSize: 10 });
    refuse({ ...b, checkpoint: cp(10) });
    refuse({ ...b, checkpoint: cp(11, other.privateKey) });
    // A proof that is valid for another tree, with that tree's root in a checkpoint the attacker signs.
    refuse({ ...bundle(6, 8), checkpoint: cp(8, other.privateKey) });
  });
  it("consistency between two signed checkpoints; refuses a forged or mismatched one", () => {
    const good = { from: cp(5), to: cp(11), proof: b64(consistencyProof(5, 11, src)) };
    expect(verifyConsistencyBundle(good, publicKey, ORIGIN).ok).toBe(true);
    expect(verifyConsistencyBundle({ ...good, to: cp(10) }, publicKey, ORIGIN).ok).toBe(false);
    expect(verifyConsistencyBundle({ ...good, to: cp(11, other.privateKey) }, publicKey, ORIGIN).ok).toBe(false);
    expect(verifyConsistencyBundle({ ...good, proof: good.proof.slice(0, -1) }, publicKey, ORIGIN).ok).toBe(false);
    const forkedRoot = rootOf([...leaves.slice(0, 10), eventLeafHash({ ...events[10]!, action: "forged" })]);
    const forked = signCheckpoint({ origin: ORIGIN, size: 11, root: forkedRoot }, privateKey).note;
    expect(verifyConsistencyBundle({ ...good, to: forked }, publicKey, ORIGIN).ok).toBe(false);
  });
  it("an export verifies, and names the event that was edited in it", () => {
    const x: TAuditExport = {
      format: "gz-hrss.audit-export/v1",
      origin: ORIGIN,
      checkpoint: cp(11),
      treeSize: 11,
      events: [
        ...events.slice(2, 5).map((event, k) => ({ event, leafIndex: k + 2, proof: b64(inclusionProof(k + 2, 11, src)) })),
        { event: { ...events[0]!, id: "999" }, leafIndex: null, proof: null },
      ],
    };
    expect(verifyAuditExport(x, publicKey, ORIGIN)).toEqual({ verified: 3, pending: 1, failures: [] });
    x.events[1] = { ...x.events[1]!, event: { ...x.events[1]!.event, targetId: "someone else" } };
    const r = verifyAuditExport(x, publicKey, ORIGIN);
    expect(r.verified).toBe(2);
    expect(r.failures).toEqual([expect.stringMatching(/^event 103: /)]);
  });
});

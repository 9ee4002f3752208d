import { spawn } from "node:child_process";
import { describe, expect, it, inject } from "vitest";
import { childEnv } from "../../env.js";
import { createUser as createTestUser } from "../../../test/fixtures";
import { prisma } from "../../db/client";
import { AppError } from "../app-error";
import { changeOwnPassword } from "./change-own-password";
import { confirmTotpEnrolment } from "./confirm-totp-enrolment";
import { createUser } from "./create-user";
import { listUsers } from "./list-users";
import { resetUserPassword } from "./reset-user-password";
import { resetUserSecondFactor } from "./reset-user-second-factor";
import { signInWithPassword } from "./sign-in";
import { signOutUserEverywhere } from "./sign-out-user-everywhere";
import { startTotpEnrolment } from "./start-totp-enrolment";
import { updateUser } from "./update-user";
import { totpCode } from "../../auth/second-factor";

const email = () => `staff-${Math.random().toString(36).slice(2, 10)}@hrss.example`;
const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe("user administration", () => {
  it("keeps an admin inside her scope: an admin of 5201 cannot grant 5203 or 52, nor change an account beyond it", async () => {
    const admin = await createTestUser("admin", ["5201"]);
    const ok = await createUser(admin.actor, { name: "李娜", email: email(), role: "officer", regions: ["520102"] });
    expect(ok.oneTimePassword).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    for (const regions of [["5203"], ["52"], ["520102", "520302"]]) {
      const e = await refusal(createUser(admin.actor, { name: "越权", email: email(), role: "officer", regions }));
      expect(e.code).toBe("VALIDATION");
      expect(e.fieldErrors.map((f) => f.message)).toContain("regionOutOfScope");
    }
    expect((await refusal(createUser(admin.actor, { name: "未知", email: email(), role: "officer", regions: ["520199"] }))).fieldErrors[0]).toEqual({ path: "body.regions.0", message: "regionUnknown" });

    // A province-wide account is not hers to see or change; one that spans her county and another she sees but cannot change.
    const wide = await createTestUser("officer", ["52"]);
    const spanning = await createTestUser("officer", ["520102", "520302"]);
    expect((await refusal(updateUser(admin.actor, wide.id, { disabled: true }))).code).toBe("NOT_FOUND");
    expect((await refusal(updateUser(admin.actor, spanning.id, { disabled: true }))).code).toBe("FORBIDDEN");
    expect((await refusal(resetUserPassword(admin.actor, spanning.id))).code).toBe("FORBIDDEN");
    const listed = await listUsers(admin.actor, { search: spanning.username });
    expect(listed.users).toEqual([expect.objectContaining({ id: spanning.id, manageable: false })]);
    expect((await listUsers(admin.actor, { search: wide.username })).users).toEqual([]);

    // Moving her own officer to another county of hers is fine; to another city is not.
    await updateUser(admin.actor, ok.id, { regions: ["520103"] });
    expect((await refusal(updateUser(admin.actor, ok.id, { regions: ["520302"] }))).fieldErrors[0]!.path).toBe("body.regions.0");
    expect(await prisma().auditEvent.count({ where: { action: { in: ["user.create", "user.update"] }, targetId: ok.id } })).toBe(2);
  });

  it("never leaves the installation without an enabled admin", async () => {
    // Disable every other admin first, so this test owns the last one (they are re-enabled after).
    const others = await prisma().user.findMany({ where: { role: "admin", disabledAt: null }, select: { id: true } });
    await prisma().user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { disabledAt: new Date() } });
    try {
      const root = await createTestUser("admin", ["52"]);
      const second = await createTestUser("admin", ["52"]);
      await updateUser(root.actor, second.id, { disabled: true });
      // root is now the only enabled admin: she cannot demote herself, nor disable herself.
      const demote = await refusal(updateUser(root.actor, root.id, { role: "supervisor" }));
      expect([demote.code, demote.fieldErrors[0]]).toEqual(["CONFLICT", { path: "body.role", message: "lastAdmin" }]);
      expect((await refusal(updateUser(root.actor, root.id, { disabled: true }))).code).toBe("CONFLICT");
      await updateUser(root.actor, second.id, { disabled: false });
      await updateUser(root.actor, root.id, { role: "supervisor" });
      expect(await prisma().user.count({ where: { role: "admin", disabledAt: null } })).toBe(1);
    } finally {
      await prisma().user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { disabledAt: null } });
    }
  });

  it("a new account signs in with its one-time password, must change it under the policy, enrols TOTP; an admin resets and signs it out", async () => {
    const admin = await createTestUser("admin", ["52"]);
    const addr = "10.77.0.1";
    const mail = email();
    const made = await createUser(admin.actor, { name: "赵敏", email: mail, role: "supervisor", regions: ["5201"] });
    const first = await signInWithPassword({ login: mail, password: made.oneTimePassword!, ip: addr });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const self = { userId: made.id, sessionId: first.sessionId, role: "supervisor" as const, regions: ["5201"], requestId: null, ip: addr };
    expect(await prisma().user.findUniqueOrThrow({ where: { id: made.id }, select: { mustChangePassword: true } })).toEqual({ mustChangePassword: true });

    const policy = async (newPassword: string) => (await refusal(changeOwnPassword(self, { currentPassword: made.oneTimePassword!, newPassword }))).fieldErrors.map((f) => f.message.split("|")[0]);
    expect(await policy("short")).toEqual(["passwordShort"]);
    expect(await policy("password123456")).toEqual(["passwordCommon"]);
    expect(await policy(`${mail}-2026`)).toEqual(["passwordPersonal"]);
    expect(await policy("赵敏的退休金审核口令二零二六")).toEqual(["passwordPersonal"]);
    expect((await refusal(changeOwnPassword(self, { currentPassword: "not-it", newPassword: "a long new passphrase" }))).fieldErrors[0]!.path).toBe("body.currentPassword");
    await changeOwnPassword(self, { currentPassword: made.oneTimePassword!, newPassword: "green tea at the county office" });

    const { secret } = await startTotpEnrolment(self);
    expect((await refusal(confirmTotpEnrolment(self, "000000"))).fieldErrors[0]!.path).toBe("body.code");
    const { recoveryCodes } = await confirmTotpEnrolment(self, await totpCode(secret));
    expect(recoveryCodes).toHaveLength(10);
    const stored = await prisma().recoveryCode.findMany({ where: { userId: made.id } });
    expect(stored).toHaveLength(10);
    expect(stored.some((r) => Buffer.from(r.codeHash).toString("utf8").includes(recoveryCodes[0]!.replace("-", "")))).toBe(false);
    // The enrolment code is spent: it cannot sign in again.
    expect(await signInWithPassword({ login: mail, password: "green tea at the county office", ip: addr, code: await totpCode(secret) })).toEqual({ ok: false, reason: "invalid_code" });
    expect(await signInWithPassword({ login: mail, password: "green tea at the county office", ip: addr, code: recoveryCodes[3] })).toMatchObject({ ok: true });

    expect((await signOutUserEverywhere(admin.actor, made.id)).revoked).toBeGreaterThanOrEqual(2);
    const reset = await resetUserPassword(admin.actor, made.id);
    expect(await signInWithPassword({ login: mail, password: "green tea at the county office", ip: addr, code: recoveryCodes[4] })).toEqual({ ok: false, reason: "invalid" });
    await resetUserSecondFactor(admin.actor, made.id);
    expect(await signInWithPassword({ login: mail, password: reset.oneTimePassword, ip: addr })).toMatchObject({ ok: true });
    const actions = (await prisma().auditEvent.findMany({ where: { targetId: made.id }, select: { action: true }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["user.create", "account.passwordChange", "account.secondFactorEnrol", "auth.recoveryCodeUsed", "user.signOutEverywhere", "user.passwordReset", "user.secondFactorReset"]);
  });

  it("npm run user:create makes the first admin from a password on standard input, checked against the policy", async () => {
    const run = (args: string[], stdin: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/user-create.ts", ...args], {
          env: childEnv({ DATABASE_URL: inject("databaseUrl"), PENSION_EMBEDDED: "0" }),
        });
        let out = "";
        p.stdout.on("data", (d) => (out += d));
        p.stderr.on("data", (d) => (out += d));
        p.stdin.end(stdin);
        p.on("exit", (code) => resolve({ code, out }));
      });
    const mail = email();
    const args = ["--name", "王芳", "--email", mail, "--role", "admin", "--regions", "52", "--password-stdin"];
    const weak = await run(args, "password123456\n");
    expect(weak.code).toBe(1);
    expect(weak.out).toContain("too common");
    const bad = await run(["--name", "王芳", "--email", "not-an-email", "--role", "admin", "--regions", "52"], "");
    expect([bad.code, bad.out]).toEqual([2, expect.stringContaining("--email: must be an email address")]);
    const good = await run(args, "mountain river county archive\n");
    expect(good.code, good.out).toBe(0);
    const u = await prisma().user.findUniqueOrThrow({ where: { email: mail }, select: { id: true, role: true, mustChangePassword: true, regions: { select: { regionCode: true } } } });
    expect(u).toMatchObject({ role: "admin", mustChangePassword: false, regions: [{ regionCode: "52" }] });
    expect(await prisma().auditEvent.count({ where: { action: "user.create", targetId: u.id, actorRole: "system" } })).toBe(1);
    expect(await signInWithPassword({ login: mail, password: "mountain river county archive", ip: "10.78.0.1" })).toMatchObject({ ok: true });
  }, 90_000);
});

import { readFileSync } from "node:fs";
import { loadPublicKey } from "../lib/bdmi/signing";
import { verifyAuditExport, verifyInclusionBundle, type TAuditExport } from "../lib/audit-log/verify-proof";
import { env } from "../lib/env.js";
import { expect, signIn, test } from "./fixtures";

// The key and origin an auditor is given out of band; nothing here trusts what the server sends along.
const publicKey = () => loadPublicKey(env.AUDIT_CHECKPOINT_PUBLIC_KEY!);

test.describe("audit trail", () => {
  test("a supervisor filters the trail by pensioner, sees the event sealed, and exports a range that verifies offline", async ({ page, users, pensioners }) => {
    const p = await pensioners.create("520111");
    await signIn(page, await users.create("supervisor", ["52"]));
    await page.getByRole("link", { name: "审计日志" }).click();
    await expect(page.getByRole("heading", { name: "审计日志" })).toBeVisible();

    // Keyboard only: type the pensioner's id into its field and submit with Enter.
    await page.getByLabel("养老金领取人 ID").focus();
    await page.keyboard.type(p.id);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`pensionerId=${p.id}`));
    const row = page.getByTestId("audit-row").first();
    await expect(row).toContainText("pensioner.create");

    // The worker seals every few seconds: the event turns from pending to sealed in a checkpoint.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId("audit-proof-status").first().innerText();
        },
        { timeout: 45_000, intervals: [2_000] },
      )
      .toMatch(/已封存于检查点 \d+/);
    await expect(page.getByTestId("audit-latest")).toContainText("最新检查点");

    const download = page.waitForEvent("download");
    await page.getByTestId("audit-export").click();
    const file = await (await download).path();
    const x = JSON.parse(readFileSync(file, "utf8")) as TAuditExport;
    expect(x.events.map((e) => e.event.targetId)).toContain(p.id);
    const verdict = verifyAuditExport(x, publicKey(), env.AUDIT_LOG_ORIGIN);
    expect(verdict.failures).toEqual([]);
    expect(verdict.verified).toBe(x.events.length);

    // An export someone edited after download no longer verifies, and the verifier says which event.
    const forged = structuredClone(x);
    forged.events[0]!.event.action = "pensioner.delete";
    expect(verifyAuditExport(forged, publicKey(), env.AUDIT_LOG_ORIGIN).failures[0]).toContain(`event ${x.events[0]!.event.id}`);
  });

  test("the proof API answers for the event, and refuses a wrong tree size with its field path", async ({ page, users, pensioners }) => {
    const p = await pensioners.create("520111");
    await signIn(page, await users.create("supervisor", ["5201"]));
    await page.goto(`/audit?pensionerId=${p.id}`);
    const id = await page.getByTestId("audit-row").first().getAttribute("data-event-id");
    await expect
      .poll(async () => (await page.request.get(`/api/v1/audit/events/${id}/proof`)).status(), { timeout: 45_000, intervals: [2_000] })
      .toBe(200);
    const bundle = await (await page.request.get(`/api/v1/audit/events/${id}/proof`)).json();
    expect(verifyInclusionBundle(bundle, publicKey(), env.AUDIT_LOG_ORIGIN).ok).toBe(true);

    const bad = await page.request.get(`/api/v1/audit/events/${id}/proof?treeSize=${bundle.treeSize + 100000}`);
    expect(bad.status()).toBe(400);
    expect(bad.headers()["content-type"]).toContain("application/problem+json");
    expect((await bad.json()).errors[0]).toMatchObject({ path: "query.treeSize", code: "checkpointSize" });

    // An officer has no access to the verifier's API.
    const officer = await users.create("officer", ["5201"]);
    await page.context().clearCookies();
    await signIn(page, officer);
    expect((await page.request.get("/api/v1/audit/checkpoints/latest")).status()).toBe(403);
  });
});

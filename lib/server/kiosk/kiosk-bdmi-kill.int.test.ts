import { spawn, type ChildProcess } from "node:child_process";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { childEnv } from "../../env.js";
import { pool, prisma } from "../../db/client";
import { freePort } from "../../db/embedded";
import { analyseJpeg } from "../../bdmi/service/face-engine";
import { currentPeriod } from "../../domain/period";
import { createUser, pensionerInput } from "../../../test/fixtures";
import { photoJpeg } from "../../../test/face-fixtures";
import { configuredEndpoint, createBdmiClient, useBdmiClient, type TBdmiClient } from "../bdmi/bdmi-client";
import { createPensioner } from "../pensioners/create-pensioner";
import { systemActor } from "../actor";
import { authenticateKioskDevice } from "./authenticate-device";
import { enrolKioskDevice } from "./enrol-kiosk-device";
import { enrolPensionerFace } from "./enrol-pensioner-face";
import { exchangeEnrolmentCode } from "./exchange-enrolment-code";
import { startKioskCheck } from "./start-kiosk-check";

// BDMI SIGKILLed during a kiosk submission (issue 13): the real service as its own process, started
// as `npm start` starts it (lib/bdmi/service/main.ts on the same database), killed at two points:
// while it decides the liveness check, and after it has decided (and charged) it but before the
// pensioner's reassessment. Each time the kiosk gets 502 problem+json with code BDMI_UNAVAILABLE
// (what the kiosk page turns into its kind "try again" screen), the check stays in progress with
// no try used, and the same submission after BDMI is back passes, with each fee recorded, settled
// and charged by BDMI exactly once.

const COUNTY = "520103";
let port = 0;
let child: ChildProcess | null = null;
let client: TBdmiClient;
let manEmbedding: number[];

async function startBdmi(): Promise<void> {
  const c = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/bdmi/service/main.ts"], {
    env: childEnv({ BDMI_DATABASE_URL: inject("databaseUrl"), DATABASE_URL: inject("databaseUrl"), PENSION_EMBEDDED: "0", BDMI_PORT: String(port), LOG_LEVEL: "warn" }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  child = c;
  const end = Date.now() + 60_000;
  for (;;) {
    if (c.exitCode !== null) throw new Error(`BDMI exited with ${c.exitCode}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return;
    if (Date.now() > end) throw new Error("BDMI did not start within 60 s");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function killBdmi(): Promise<void> {
  const c = child;
  if (!c || c.exitCode !== null || c.signalCode) return;
  const exited = new Promise((r) => c.once("exit", r));
  c.kill("SIGKILL");
  await exited;
}

/** A fresh client (a breaker of its own), with a hook just before each of its calls. */
function hookedClient(before: { liveness?: () => Promise<void>; assess?: () => Promise<void> } = {}): TBdmiClient {
  const c = createBdmiClient({ ...configuredEndpoint(), baseUrl: `http://127.0.0.1:${port}` }, { retries: 1, timeoutMs: 30_000 });
  return {
    ...c,
    livenessCheck: async (req) => {
      const p = c.livenessCheck(req);
      await before.liveness?.();
      return p;
    },
    assess: async (req) => {
      await before.assess?.();
      return c.assess(req);
    },
  };
}

async function submit(token: string, checkId: string, body: unknown): Promise<{ status: number; type: string; json: Record<string, unknown> }> {
  const { POST } = await import("../../../app/api/v1/kiosk/checks/[id]/submit/route");
  const r = await POST(
    new NextRequest(`http://localhost/api/v1/kiosk/checks/${checkId}/submit`, {
      method: "POST",
      headers: { "x-kiosk-token": token, "content-type": "application/json", "accept-language": "zh-CN" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: checkId }) },
  );
  return { status: r.status, type: r.headers.get("content-type") ?? "", json: (await r.json()) as Record<string, unknown> };
}

async function ledgerOf(checkId: string, attemptId: string) {
  const fees = await pool().query<{ kind: string; n: number }>(
    `select kind, count(*)::int as n from fee_records where bdmi_call_id in (select bdmi_call_id from kiosk_attempts where check_id = $1 and bdmi_call_id is not null)
        or id in (select unnest(array(select f.id from fee_records f join settlements s on f.settlement_id = s.id where s.idempotency_key = $2)))
      group by kind order by kind`,
    [checkId, `fee-check:${attemptId}`],
  );
  const settlements = await pool().query<{ n: number }>(`select count(*)::int as n from settlements where idempotency_key like $1`, [`fee-check:${attemptId}`]);
  const calls = await pool().query<{ endpoint: string; n: number }>(
    `select endpoint, count(*)::int as n from bdmi.calls where idempotency_key in ($1, $2) group by endpoint order by endpoint`,
    [`kiosk-attempt:${attemptId}`, `kiosk-reassess:${attemptId}`],
  );
  return { fees: fees.rows, settlements: settlements.rows[0]!.n, bdmiCalls: calls.rows };
}

beforeAll(async () => {
  port = await freePort();
  await startBdmi();
  client = hookedClient();
  manEmbedding = (await analyseJpeg(photoJpeg("man-tile-2"))).faces[0]!.embedding;
}, 120_000);

afterAll(async () => {
  useBdmiClient(undefined);
  await killBdmi();
});

describe("BDMI killed during a kiosk submission", () => {
  for (const when of ["while it decides the liveness check", "after the liveness decision, before the reassessment"] as const) {
    it(`${when}: 502 BDMI_UNAVAILABLE, the check stays open with no try used, the same submission passes once BDMI is back, each fee once`, async () => {
      const admin = await createUser("admin", ["52"]);
      const officer = await createUser("officer", ["5201"]);
      const { code } = await enrolKioskDevice(admin.actor, { regionCode: "5201", name: `kill-${Math.random().toString(36).slice(2, 7)}`, location: "大厅" });
      const { token } = await exchangeEnrolmentCode({ ...systemActor(), role: "anonymous" }, code);
      const device = (await authenticateKioskDevice(token))!;
      const kioskActor = { userId: device.id, role: "kiosk" as const, regions: [device.regionCode], requestId: null, ip: "127.0.0.1" };
      const p = await createPensioner(officer.actor, await pensionerInput(COUNTY, { name: "王小梅" }), "zh-CN");
      await enrolPensionerFace(officer.actor, p.id, photoJpeg("man-selected"), client);
      const check = await prisma().kioskCheck.create({
        data: { pensionerId: p.id, regionCode: COUNTY, period: currentPeriod(), reason: "suspected", dueOn: new Date(Date.now() + 20 * 86_400_000) },
        select: { id: true },
      });
      const ch = await startKioskCheck(kioskActor, device, check.id, { consent: true, locale: "zh-CN" });
      const body = {
        challengeId: ch.challengeId,
        transcript: ch.steps.map((step, i) => ({ step, atMs: 1200 + i * 1500 })),
        liveness: 0.9,
        antispoof: 0.8,
        embedding: manEmbedding,
        frames: [photoJpeg("man-tile-1").toString("base64"), photoJpeg("man-tile-3", { shift: [12, -8] }).toString("base64")],
      };

      // The kill: 150 ms into BDMI's work on the frames (it takes longer than that), or at the reassessment.
      useBdmiClient(
        hookedClient(
          when === "while it decides the liveness check"
            ? { liveness: async () => void setTimeout(() => void killBdmi(), 150) }
            : { assess: killBdmi },
        ),
      );
      const refused = await submit(token, check.id, body);
      expect(refused.status, JSON.stringify(refused.json)).toBe(502);
      expect(refused.type).toContain("application/problem+json");
      expect(refused.json).toMatchObject({ code: "BDMI_UNAVAILABLE", status: 502 });
      expect(JSON.stringify(refused.json)).not.toMatch(/\n\s+at |node_modules/);
      expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: check.id }, select: { status: true, failures: true } })).toEqual({ status: "in_progress", failures: 0 });
      expect(await prisma().kioskAttempt.findFirstOrThrow({ where: { id: ch.challengeId }, select: { submittedAt: true, decision: true } })).toEqual({ submittedAt: null, decision: null });
      const during = await ledgerOf(check.id, ch.challengeId);
      expect(during.fees).toEqual([]);
      expect(during.settlements).toBe(0);
      // Killed after deciding: BDMI has charged the liveness check (once) but not the reassessment.
      expect(during.bdmiCalls).toEqual(when === "while it decides the liveness check" ? [] : [{ endpoint: "liveness-checks", n: 1 }]);

      // Still down: the same answer again, nothing written.
      useBdmiClient(hookedClient());
      expect((await submit(token, check.id, body)).json).toMatchObject({ code: "BDMI_UNAVAILABLE" });

      await startBdmi();
      useBdmiClient(hookedClient());
      const ok = await submit(token, check.id, body);
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
      expect(ok.json).toMatchObject({ decision: "pass" });
      expect(await prisma().kioskCheck.findFirstOrThrow({ where: { id: check.id }, select: { status: true, failures: true } })).toEqual({ status: "passed", failures: 0 });
      const after = await ledgerOf(check.id, ch.challengeId);
      expect(after.fees).toEqual([{ kind: "assessment", n: 1 }, { kind: "liveness", n: 1 }]);
      expect(after.settlements).toBe(1);
      expect(after.bdmiCalls.map((c) => ({ ...c, endpoint: c.endpoint.replace(/^\/?v1\//, "") }))).toEqual([{ endpoint: "assessments", n: 1 }, { endpoint: "liveness-checks", n: 1 }]);
      // A second send of the same try is refused and charges nothing more.
      expect((await submit(token, check.id, body)).status).toBe(409);
      expect(await ledgerOf(check.id, ch.challengeId)).toEqual(after);
    }, 180_000);
  }
});

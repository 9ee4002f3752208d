import { beforeAll, describe, expect, it } from "vitest";
import { createUser, pensionerInput } from "../../../test/fixtures";
import { pool } from "../../db/client";
import { addMonths, currentPeriod } from "../../domain/period";
import { AppError } from "../app-error";
import { createPensioner } from "./create-pensioner";
import { getStatusHistory } from "./get-status-history";

// The pensioner page's status history on real PostgreSQL: newest period first, timestamps as ISO,
// limited to the caller's regions (404 alike for another region's pensioner and an unknown id).

const COUNTY = "520103";
type TUser = Awaited<ReturnType<typeof createUser>>;
let guiyang: TUser;
let zunyi: TUser;
let pensionerId: string;
let emptyId: string;
const now = currentPeriod();
const before = addMonths(now, -1);

beforeAll(async () => {
  guiyang = await createUser("officer", ["5201"]);
  zunyi = await createUser("officer", ["5203"]);
  pensionerId = (await createPensioner(guiyang.actor, await pensionerInput(COUNTY, { name: "历史甲" }), "zh-CN")).id;
  emptyId = (await createPensioner(guiyang.actor, await pensionerInput(COUNTY, { name: "历史乙" }), "zh-CN")).id;
  await pool().query(
    `insert into survival_statuses (pensioner_id, period, region_code, status, basis, s, t, model_version, evidence_refs, previous_status, death_at, assessed_at)
     values ($1, $2, $3, 'alive', 'footprint', 80, 75, '1', '{11,12,13}', null, null, '2026-01-02T03:04:05.678Z'),
            ($1, $4, $3, 'suspected', 'lapsed', 20, 10, '1', '{}', 'alive', '2026-02-01T00:00:00.001Z', '2026-02-03T03:04:05Z')`,
    [pensionerId, before, COUNTY, now],
  );
});

describe("getStatusHistory", () => {
  it("lists the periods newest first, with every field", async () => {
    const rows = await getStatusHistory(guiyang.actor, pensionerId);
    expect(rows.map((r) => r.period)).toEqual([now, before]);
    expect(rows[0]).toMatchObject({ status: "suspected", basis: "lapsed", S: 20, T: 10, previousStatus: "alive", deathAt: "2026-02-01T00:00:00.001Z", evidenceCount: 0, runId: null, assessedAt: "2026-02-03T03:04:05.000Z" });
    expect(rows[1]).toMatchObject({ status: "alive", S: 80, T: 75, previousStatus: null, deathAt: null, affirmedAt: null, modelVersion: "1", evidenceCount: 3, assessedAt: "2026-01-02T03:04:05.678Z" });
    expect(await getStatusHistory(guiyang.actor, pensionerId, 1)).toHaveLength(1);
  });

  it("gives an empty list for a pensioner not yet assessed", async () => {
    expect(await getStatusHistory(guiyang.actor, emptyId)).toEqual([]);
  });

  it("is 404 for another region's pensioner and for an unknown or malformed id", async () => {
    for (const id of [pensionerId, "00000000-0000-4000-8000-000000000000", "x"]) {
      const e = await getStatusHistory(zunyi.actor, id).catch((x) => x);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("NOT_FOUND");
    }
  });
});

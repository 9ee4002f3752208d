import type { Page } from "@playwright/test";
import { prisma } from "../lib/db/client";
import { addMonths, currentPeriod } from "../lib/domain/period";
import { expect, signIn, test, type TTestUser } from "./fixtures";

// The officer's case work and the supervisors' four-eyes approvals (issue 6), in the real app over
// the real database: cases are inserted as the monthly run or the overdue sweep opens them, every
// move afterwards goes through the pages (or, to set a scene, the same API the pages call).

/** A county of Guiyang (5201), where the test's users work. */
async function county(): Promise<string> {
  const r = await prisma().region.findFirst({ where: { level: "county", code: { startsWith: "5201" } }, orderBy: { code: "asc" }, select: { code: true } });
  if (!r) throw new Error("no county under 5201 in the regions table");
  return r.code;
}

/** An open case for the pensioner, as the overdue sweep opens one. */
async function openCase(pensionerId: string, regionCode: string, reason: "overdue" | "check_review" = "overdue") {
  return prisma().case.create({ data: { pensionerId, regionCode, reason, period: currentPeriod() }, select: { id: true } });
}

async function switchUser(page: Page, user: TTestUser) {
  await page.context().clearCookies();
  await signIn(page, user);
}

/** POST a move through the API the page uses, as the signed-in user; the case page's own version first. */
async function move(page: Page, caseId: string, path: string, body: Record<string, unknown>) {
  const detail = await (await page.request.get(`/api/v1/cases/${caseId}`)).json();
  return page.request.post(`/api/v1/cases/${caseId}/${path}`, { data: { version: detail.version, ...body } });
}

const timeline = (page: Page) => page.getByTestId("timeline");

test("an officer finds a case in her queue, takes it, adds a note and evidence, records an in-person check and proposes a suspension", async ({ page, users, pensioners }) => {
  test.setTimeout(120_000);
  const code = await county();
  // The largest pension of the region: first when the queue is sorted by the amount at stake.
  const p = await pensioners.create(code, { name: "孙案一", monthlyPensionFen: 9_999_900 });
  const c = await openCase(p.id, code);
  const officer = await users.create("officer", ["5201"]);
  await signIn(page, officer);

  await page.getByRole("navigation", { name: "main" }).getByRole("link", { name: "个案" }).click();
  await expect(page.getByRole("heading", { name: "个案", exact: true })).toBeVisible();
  await page.getByLabel("排序").selectOption("amount");
  await expect(page).toHaveURL(/sort=amount/);
  await page.getByLabel("经办人").selectOption("unassigned");
  await expect(page).toHaveURL(/assigned=unassigned/);
  const row = page.getByTestId("case-row").first();
  await expect(row).toContainText("孙案一");
  await expect(row).toContainText("¥99,999.00");
  await expect(row).toContainText("逾期未核验");
  await expect(row).toContainText("正常发放");
  await expect(row).toContainText("未分配");
  // The filters are in the URL: back returns to the previous filter.
  await page.goBack();
  await expect(page).not.toHaveURL(/assigned=/);
  await expect(page.getByLabel("经办人")).toHaveValue("any");
  await page.goForward();
  await expect(page.getByLabel("经办人")).toHaveValue("unassigned");

  await page.getByRole("button", { name: "将 孙案一 的个案分配给我" }).click();
  // Assigned: no longer in "unassigned"; under "assigned to me" it shows with me as assignee.
  await expect(page.getByTestId("case-row").filter({ hasText: "孙案一" })).toHaveCount(0);
  await page.getByLabel("经办人").selectOption("me");
  const mine = page.getByTestId("case-row").filter({ hasText: "孙案一" });
  await expect(mine).toContainText("我");
  expect((await prisma().case.findFirstOrThrow({ where: { id: c.id } })).assignedTo).toBe(officer.id);

  await mine.getByRole("link", { name: "打开 孙案一 的个案" }).click();
  await expect(page).toHaveURL(new RegExp(`/cases/${c.id}$`));
  await expect(page.getByRole("heading", { name: /孙案一/ })).toBeVisible();
  await expect(page.getByTestId("case-status")).toHaveText("处理中");

  // A note: empty is refused next to the field, then saved.
  const note = page.getByTestId("panel-note");
  await note.getByRole("button", { name: "添加备注" }).click();
  await expect(note.getByRole("alert")).toHaveText("必填");
  await note.getByLabel("备注").fill("电话联系家属未接通，安排上门。");
  await note.getByRole("button", { name: "添加备注" }).click();
  await expect(timeline(page).getByTestId("case-event").filter({ hasText: "电话联系家属未接通" })).toContainText("备注");

  const ev = page.getByTestId("panel-evidence");
  await ev.getByLabel("材料类型").selectOption("hospital_record");
  await ev.getByLabel("材料编号").fill("YY-2026-0815");
  await ev.getByLabel("出具单位").fill("贵阳市第一人民医院");
  await ev.getByLabel("出具日期").fill("2026-11-02");
  await ev.getByRole("button", { name: "添加材料" }).click();
  const evidence = timeline(page).locator('[data-kind="evidence"]');
  await expect(evidence).toContainText("医院记录");
  await expect(evidence).toContainText("YY-2026-0815");
  await expect(evidence).toContainText("贵阳市第一人民医院");

  const ip = page.getByTestId("panel-in-person");
  await ip.getByLabel("未能核验").check();
  await ip.getByLabel("核验地点").fill("云岩区社保服务大厅");
  await ip.getByLabel("备注").fill("本人未到场，家属称已外出多月。");
  await ip.getByRole("button", { name: "记录核验" }).click();
  const check = timeline(page).locator('[data-kind="in_person_check"]');
  await expect(check).toContainText("未能核验");
  await expect(check).toContainText("云岩区社保服务大厅");

  const prop = page.getByTestId("panel-propose");
  await prop.getByLabel("处理结果").selectOption("suspend");
  await prop.getByRole("button", { name: "提交处理意见" }).click();
  await expect(prop.getByText("必填", { exact: true })).toBeVisible();
  await prop.getByLabel("说明（必填）").fill("多次联系未果，现场核验未见本人，建议暂停发放。");
  await prop.getByRole("button", { name: "提交处理意见" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("待审批 · 暂停发放");
  // An officer does not approve: no decision panel, and the proposal cannot be proposed again.
  await expect(page.getByTestId("panel-decide")).toHaveCount(0);
  await expect(page.getByTestId("panel-propose")).toHaveCount(0);
  await expect(page.getByTestId("panel-withdraw")).toBeVisible();

  const saved = await prisma().case.findFirstOrThrow({ where: { id: c.id }, include: { events: { orderBy: { at: "asc" } } } });
  expect(saved).toMatchObject({ status: "proposed", proposedOutcome: "suspend", proposedBy: officer.id, assignedTo: officer.id });
  // The worker's reassessment of the in-person check lands whenever its job runs: left out here, awaited below.
  expect(saved.events.map((e) => e.kind).filter((k) => k !== "reassessed")).toEqual(["assigned", "note", "evidence", "in_person_check", "proposed"]);
  expect((await prisma().pensioner.findFirstOrThrow({ where: { id: p.id } })).paymentStatus).toBe("active");
  // The check reached the model: BDMI got the 01/01 item and the month's status was revised.
  await expect
    .poll(async () => (await prisma().caseEvent.findMany({ where: { caseId: c.id, kind: "reassessed" }, select: { data: true } })).map((e) => (e.data as { evidence?: string }).evidence), { timeout: 60_000 })
    .toEqual(["01/01"]);
});

test("four eyes: a supervisor cannot approve her own proposed suspension; another supervisor approves it and payment stops", async ({ page, users, pensioners }) => {
  test.setTimeout(120_000);
  const code = await county();
  const p = await pensioners.create(code, { name: "周案二", monthlyPensionFen: 312_345 });
  const c = await openCase(p.id, code, "check_review");
  const first = await users.create("supervisor", ["5201"]);
  const second = await users.create("supervisor", ["5201"]);

  await signIn(page, first);
  await page.goto(`/cases/${c.id}`);
  const prop = page.getByTestId("panel-propose");
  await prop.getByLabel("处理结果").selectOption("suspend");
  await prop.getByLabel("说明（必填）").fill("复核未通过，建议暂停。");
  await prop.getByRole("button", { name: "提交处理意见" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("待审批 · 暂停发放");
  // Her own proposal: the page says another supervisor must decide, and offers no approve button …
  await expect(page.getByTestId("own-proposal")).toHaveText("此处理意见由您提出，须由另一位主管审批。");
  await expect(page.getByRole("button", { name: "批准" })).toHaveCount(0);
  // … and the API refuses her approval with the four-eyes code, the case unchanged.
  const res = await move(page, c.id, "approve", {});
  expect(res.status()).toBeGreaterThanOrEqual(400);
  expect((await res.json()).code).toBe("CASE_FOUR_EYES");
  expect((await prisma().case.findFirstOrThrow({ where: { id: c.id } })).status).toBe("proposed");
  // Her "awaiting approval" leaves out what she may not approve: her own proposal.
  await page.goto("/cases");
  await page.getByTestId("awaiting-approval").click();
  await expect(page).toHaveURL(/proposer=others/);
  await expect(page.getByTestId("awaiting-approval")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("case-row").filter({ hasText: "周案二" })).toHaveCount(0);

  await switchUser(page, second);
  await page.goto("/cases");
  await page.getByTestId("awaiting-approval").click();
  await expect(page).toHaveURL(/status=proposed/);
  await expect(page.getByTestId("awaiting-approval")).toHaveAttribute("aria-pressed", "true");
  const row = page.getByTestId("case-row").filter({ hasText: "周案二" });
  await expect(row).toContainText("待审批 · 暂停发放");
  await row.getByRole("link", { name: "打开 周案二 的个案" }).click();
  const decide = page.getByTestId("panel-decide");
  await expect(decide).toContainText("处理意见：暂停发放");
  // Rejecting needs a note; approving does not.
  await decide.getByRole("button", { name: "驳回" }).click();
  await expect(decide.getByRole("alert").first()).toHaveText("驳回时必须填写审批意见。");
  await decide.getByRole("button", { name: "批准" }).click();

  await expect(page.getByTestId("payment-status")).toHaveText("暂停发放");
  await expect(page.getByTestId("case-status")).toHaveText("已结案 · 暂停发放");
  const hold = page.getByTestId("hold-box");
  await expect(hold).toContainText("停发中");
  await expect(hold.getByTestId("hold-kind")).toHaveText("暂停发放");
  await expect(hold.getByTestId("hold-since")).toHaveText(currentPeriod());
  await expect(hold).toContainText("¥3,123.45");
  await expect(hold).toContainText("未能核验生存");
  await expect(timeline(page).locator('[data-kind="approved"]')).toContainText("暂停发放");
  await expect(page.getByTestId("panel-appeal")).toBeVisible();
  await expect(page.getByTestId("suspension-notice")).toHaveAttribute("href", `/api/v1/notices/cases/${c.id}/suspension?size=A4`);

  expect(await prisma().case.findFirstOrThrow({ where: { id: c.id } })).toMatchObject({ status: "closed", outcome: "suspend", decidedBy: second.id });
  expect((await prisma().pensioner.findFirstOrThrow({ where: { id: p.id } })).paymentStatus).toBe("suspended");
  const holds = await prisma().paymentHold.findMany({ where: { caseId: c.id } });
  expect(holds).toHaveLength(1);
  expect(holds[0]).toMatchObject({ kind: "suspended", cause: "unverified", startPeriod: currentPeriod(), monthlyFen: 312_345n, liftedPeriod: null, approvedBy: second.id });
});

test("an appeal reopens a suspended case; a reinstatement approved by a supervisor pays the held months as arrears", async ({ page, users, pensioners }) => {
  test.setTimeout(150_000);
  const code = await county();
  const p = await pensioners.create(code, { name: "吴案三", monthlyPensionFen: 250_050 });
  const c = await openCase(p.id, code);
  const officer = await users.create("officer", ["5201"]);
  const supervisor = await users.create("supervisor", ["5201"]);

  // The scene: the officer proposed a suspension and a supervisor approved it, through the API.
  await signIn(page, officer);
  expect((await move(page, c.id, "proposal", { outcome: "suspend", note: "逾期未核验，建议暂停。" })).ok()).toBe(true);
  await switchUser(page, supervisor);
  expect((await move(page, c.id, "approve", {})).ok()).toBe(true);
  // Three months ago: the hold started then, so three months are owed when it is lifted now.
  const start = addMonths(currentPeriod(), -3);
  await prisma().paymentHold.updateMany({ where: { caseId: c.id }, data: { startPeriod: start } });

  // The appeal, recorded by the officer: the case reopens.
  await switchUser(page, officer);
  await page.goto(`/cases/${c.id}`);
  await expect(page.getByTestId("hold-since")).toHaveText(start);
  const appeal = page.getByTestId("panel-appeal");
  await appeal.getByLabel("申诉内容（必填）").fill("本人已回国，要求恢复发放，附护照出入境记录。");
  await appeal.getByRole("button", { name: "登记申诉" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("处理中");
  await expect(timeline(page).locator('[data-kind="appealed"]')).toContainText("本人已回国");
  await expect(page.getByTestId("payment-status")).toHaveText("暂停发放");

  // Reinstatement is offered now (only after the appeal), and proposed.
  const prop = page.getByTestId("panel-propose");
  await expect(prop.getByLabel("处理结果").locator("option", { hasText: "恢复发放" })).toHaveCount(1);
  await prop.getByLabel("处理结果").selectOption("reinstate");
  await prop.getByLabel("说明（必填）").fill("现场核验本人在世，建议恢复并补发。");
  await prop.getByRole("button", { name: "提交处理意见" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("待审批 · 恢复发放");

  await switchUser(page, supervisor);
  await page.goto(`/cases/${c.id}`);
  await page.getByTestId("panel-decide").getByRole("button", { name: "批准" }).click();
  await expect(page.getByTestId("payment-status")).toHaveText("正常发放");
  await expect(page.getByTestId("case-status")).toHaveText("已结案 · 恢复发放");
  await expect(page.getByTestId("hold-lifted")).toHaveText(currentPeriod());

  const rows = page.getByTestId("arrear-row");
  await expect(rows).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    await expect(rows.nth(i).getByRole("rowheader")).toHaveText(addMonths(start, i));
    await expect(rows.nth(i)).toContainText("¥2,500.50");
  }
  await expect(page.getByTestId("arrears-total")).toHaveText("¥7,501.50");
  await expect(page.getByTestId("arrears-table")).toContainText("合计（3 个月）");

  expect((await prisma().pensioner.findFirstOrThrow({ where: { id: p.id } })).paymentStatus).toBe("active");
  const arrears = await prisma().paymentArrear.findMany({ where: { hold: { caseId: c.id } }, orderBy: { period: "asc" } });
  expect(arrears.map((a) => [a.period, a.amountFen])).toEqual([0, 1, 2].map((i) => [addMonths(start, i), 250_050n]));
  expect(await prisma().case.findFirstOrThrow({ where: { id: c.id } })).toMatchObject({ status: "closed", outcome: "reinstate", decidedBy: supervisor.id, reopenCount: 1 });
});

test("a stale page says someone changed the case and reloads; a proposal is withdrawn, then rejected with a note; a manual intervention needs its confirmation; the page in English", async ({ page, users, pensioners }) => {
  test.setTimeout(150_000);
  const code = await county();
  const p = await pensioners.create(code, { name: "郑案四", monthlyPensionFen: 188_800 });
  const c = await openCase(p.id, code, "check_review");
  const officer = await users.create("officer", ["5201"]);
  const supervisor = await users.create("supervisor", ["5201"]);

  await signIn(page, officer);
  await page.goto(`/cases/${c.id}`);
  await expect(page.getByTestId("case-status")).toHaveText("处理中");
  // Someone else moves the case while the page is open (here: the same API, assigning it).
  expect((await move(page, c.id, "assign", {})).ok()).toBe(true);
  const prop = page.getByTestId("panel-propose");
  await prop.getByLabel("处理结果").selectOption("suspend");
  await prop.getByLabel("说明（必填）").fill("复核未通过，建议暂停。");
  await prop.getByRole("button", { name: "提交处理意见" }).click();
  const problem = prop.getByTestId("case-problem");
  await expect(problem).toHaveAttribute("data-code", "CASE_STALE");
  await expect(problem).toContainText("其他人刚刚更改了此个案");
  expect((await prisma().case.findFirstOrThrow({ where: { id: c.id } })).status).toBe("open");
  await problem.getByRole("button", { name: "重新加载" }).click();
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId("panel-assign")).toContainText("经办人：我");
  // What was typed is still there: submitting again lands on the current version.
  await prop.getByRole("button", { name: "提交处理意见" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("待审批 · 暂停发放");

  await page.getByTestId("panel-withdraw").getByRole("button", { name: "撤回" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("处理中");
  await expect(timeline(page).locator('[data-kind="withdrawn"]')).toHaveCount(1);
  await prop.getByLabel("处理结果").selectOption("terminate");
  await expect(prop.getByLabel("死亡证明日期")).toBeVisible();
  await prop.getByLabel("处理结果").selectOption("suspend");
  await expect(prop.getByLabel("死亡证明日期")).toHaveCount(0);
  await prop.getByLabel("说明（必填）").fill("再次复核仍未通过，建议暂停。");
  await prop.getByRole("button", { name: "提交处理意见" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("待审批 · 暂停发放");

  await switchUser(page, supervisor);
  await page.goto(`/cases/${c.id}`);
  const decide = page.getByTestId("panel-decide");
  await decide.getByLabel("审批意见").fill("材料不足，请先安排现场核验。");
  await decide.getByRole("button", { name: "驳回" }).click();
  await expect(page.getByTestId("case-status")).toHaveText("处理中");
  await expect(timeline(page).locator('[data-kind="rejected"]')).toContainText("材料不足，请先安排现场核验。");
  await expect(page.getByTestId("payment-status")).toHaveText("正常发放");
  await expect(page.getByTestId("hold-box")).toHaveCount(0);

  const manual = page.getByTestId("panel-manual");
  await expect(manual).toContainText("警告：人工干预直接覆盖模型的生存结论");
  await manual.getByLabel("在世").check();
  await manual.getByLabel("干预原因（必填）").fill("本人到社保局窗口办理业务，经办人当面确认。");
  await manual.getByRole("button", { name: "记录人工干预" }).click();
  await expect(manual.getByText("请勾选确认后再提交。")).toBeVisible();
  await expect(timeline(page).locator('[data-kind="manual_intervention"]')).toHaveCount(0);
  await manual.getByLabel("我确认有确切依据，并对此干预负责。").check();
  await manual.getByRole("button", { name: "记录人工干预" }).click();
  await expect(timeline(page).locator('[data-kind="manual_intervention"]')).toContainText("在世");

  const events = await prisma().caseEvent.findMany({ where: { caseId: c.id }, orderBy: { at: "asc" }, select: { kind: true, body: true } });
  expect(events.map((e) => e.kind)).toEqual(["assigned", "proposed", "withdrawn", "proposed", "rejected", "manual_intervention"]);
  expect(await prisma().case.findFirstOrThrow({ where: { id: c.id } })).toMatchObject({ status: "open", proposedOutcome: null });

  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Case history" })).toBeVisible();
  await expect(page.getByTestId("case-status")).toHaveText("Open");
  await expect(page.getByTestId("payment-status")).toHaveText("Paid");
  await expect(timeline(page).locator('[data-kind="rejected"]')).toContainText("Rejected");
});

test("another region's case is not found, and a region outside the officer's scope in the URL is refused clearly", async ({ page, users, pensioners }) => {
  const other = await prisma().region.findFirst({ where: { level: "county", NOT: { code: { startsWith: "5201" } } }, orderBy: { code: "asc" }, select: { code: true } });
  if (!other) throw new Error("no county outside 5201");
  const p = await pensioners.create(other.code, { name: "冯案五" });
  const c = await openCase(p.id, other.code);
  await signIn(page, await users.create("officer", ["5201"]));

  await page.goto(`/cases/${c.id}`);
  await expect(page.getByText("找不到该页面或记录。")).toBeVisible();
  await expect(page.getByText("冯案五")).toHaveCount(0);
  expect((await page.request.get(`/api/v1/cases/${c.id}`)).status()).toBe(404);

  await page.goto(`/cases?region=${other.code}&status=all`);
  await expect(page.getByTestId("queue-load-error")).toContainText("不在您的管辖范围内");
  await expect(page.getByTestId("case-row")).toHaveCount(0);
});

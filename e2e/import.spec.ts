import { checkCharacter } from "../lib/domain/national-id";
import { expect, signIn, test } from "./fixtures";

function id(county: string, birth: string, seq: number) {
  const first17 = `${county}${birth.replaceAll("-", "")}${String(seq).padStart(3, "0")}`;
  return first17 + checkCharacter(first17);
}

test("CSV import with bad rows: the good rows land and every bad row is reported", async ({ page, users }) => {
  const officer = await users.create("officer", ["5201"]);
  const stamp = Date.now() % 900;
  const good1 = id("520102", "1941-02-03", stamp);
  const good2 = id("520103", "1942-04-05", stamp);
  const csv = [
    "national_id,name,sex,birth_date,region_code,address,phone,scheme,monthly_pension_fen,payment_status,enrolled_on",
    `${good1},导入甲,female,1941-02-03,520102,南明区 1 号,13800000000,enterprise,280000,active,2001-01-01`,
    `${good2},导入乙,男,1942-04-05,520103,云岩区 2 号,,企业职工,310000,,2002-02-02`,
    `${id("520102", "1943-01-01", stamp)},生日不符,male,1943-01-02,520102,,,enterprise,100,active,2001-01-01`,
    `${good1},重复,female,1941-02-03,520102,,,enterprise,100,active,2001-01-01`,
    `${id("520102", "1944-01-01", stamp)},负数,male,1944-01-01,520102,,,enterprise,-5,active,2001-01-01`,
  ].join("\n");

  await signIn(page, officer);
  await page.getByRole("link", { name: "导入名册" }).first().click();
  await page.getByTestId("import-file").setInputFiles({ name: "roll.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "开始导入" }).click();
  await expect(page.getByTestId("import-result")).toContainText("导入完成");
  await expect(page.getByTestId("import-read")).toHaveText("5");
  await expect(page.getByTestId("import-inserted")).toHaveText("2");
  await expect(page.getByTestId("import-rejected")).toHaveText("3");
  const rejections = page.getByTestId("rejections");
  await expect(rejections.locator("tbody tr")).toHaveCount(3);
  await expect(rejections.locator("tbody tr").nth(0)).toContainText("4");
  await expect(rejections.locator("tbody tr").nth(0)).toContainText("birth_date");
  await expect(rejections.locator("tbody tr").nth(1)).toContainText("与第 2 行的身份证号重复");
  await expect(rejections.locator("tbody tr").nth(2)).toContainText("monthly_pension_fen");

  // Re-importing the same file changes nothing.
  await page.getByRole("button", { name: "开始导入" }).click();
  await expect(page.getByTestId("import-inserted")).toHaveText("0");
  await expect(page.getByTestId("import-unchanged")).toHaveText("2");

  await page.goto("/roll?q=导入甲");
  await expect(page.locator("tbody tr")).toHaveCount(1);
});

test("a file that is not a roll is refused whole", async ({ page, users }) => {
  await signIn(page, await users.create("officer", ["5201"]));
  await page.goto("/roll/import");
  await page.getByTestId("import-file").setInputFiles({ name: "x.csv", mimeType: "text/csv", buffer: Buffer.from("foo,bar\n1,2\n") });
  await page.getByRole("button", { name: "开始导入" }).click();
  await expect(page.getByTestId("import-result")).toContainText("导入失败");
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toContainText("缺少列：national_id");
  await expect(page.getByTestId("import-inserted")).toHaveText("0");
});

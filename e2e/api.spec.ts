import { expect, signIn, test } from "./fixtures";

test.describe("API: scoping and problem+json", () => {
  test("an officer of 5201 cannot read or change a pensioner of 5203 through any API", async ({ page, users, pensioners }) => {
    const zunyi = await pensioners.create("520302");
    await signIn(page, await users.create("officer", ["5201"]));
    const api = page.request;
    const calls = [
      api.get(`/api/v1/pensioners/${zunyi.id}`),
      api.patch(`/api/v1/pensioners/${zunyi.id}`, { data: { version: 1, name: "改" } }),
      api.post(`/api/v1/pensioners/${zunyi.id}/reveal`, { data: { reason: "test" } }),
      api.get(`/api/v1/pensioners/${zunyi.id}/audit-events`),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status()).toBe(404);
      expect(res.headers()["content-type"]).toContain("application/problem+json");
    }
    const list = await (await api.get(`/api/v1/pensioners?q=${zunyi.nationalId}`)).json();
    expect(list.total).toBe(0);
    const unknown = await api.get(`/api/v1/pensioners/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status()).toBe(404);
  });

  test("a body that fails validation gets 400 naming the field", async ({ page, users }) => {
    await signIn(page, await users.create("officer", ["5201"]));
    const res = await page.request.post("/api/v1/pensioners", { data: { nationalId: "123", name: "", monthlyPensionFen: -1 } });
    expect(res.status()).toBe(400);
    const p = await res.json();
    expect(p.code).toBe("VALIDATION");
    const paths = p.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["body.nationalId", "body.name", "body.monthlyPensionFen", "body.regionCode"]));
    // Messages come in the caller's language (zh-CN by default), with a stable code beside them.
    expect(p.errors.find((e: { path: string }) => e.path === "body.monthlyPensionFen")).toMatchObject({ code: "notNegative", message: "不能为负数" });
  });

  test("requests without a session get 401 problem+json", async ({ request }) => {
    const res = await request.get("/api/v1/pensioners");
    expect(res.status()).toBe(401);
    expect((await res.json()).code).toBe("UNAUTHENTICATED");
    const none = await request.get("/api/v1/no-such-thing");
    expect(none.status()).toBe(404);
    expect(none.headers()["content-type"]).toContain("application/problem+json");
  });
});

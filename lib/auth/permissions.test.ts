import { describe, expect, it } from "vitest";
import { can, homeFor, PERMISSIONS, ROLES } from "./permissions";

describe("permission matrix", () => {
  it("lets officers edit the roll but not manage users or read the dashboard", () => {
    expect(can("officer", "pensioners.write")).toBe(true);
    expect(can("officer", "roll.import")).toBe(true);
    expect(can("officer", "users.manage")).toBe(false);
    expect(can("officer", "dashboard.read")).toBe(false);
  });
  it("keeps supervisors read-only on the roll", () => {
    expect(can("supervisor", "pensioners.read")).toBe(true);
    expect(can("supervisor", "pensioners.write")).toBe(false);
    expect(can("supervisor", "roll.import")).toBe(false);
  });
  it("does not let admins reveal ID numbers", () => {
    expect(can("admin", "pensioners.revealId")).toBe(false);
  });
  it("grants every permission to at least one role and sends each role home", () => {
    for (const roles of Object.values(PERMISSIONS)) expect(roles.length).toBeGreaterThan(0);
    expect(ROLES.map(homeFor)).toEqual(["/roll", "/dashboard", "/users"]);
  });
});

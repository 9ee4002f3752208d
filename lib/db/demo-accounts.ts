// The demo installation's accounts (embedded mode only; never seeded on a real server).
export const DEMO_PASSWORD = "demo-pass-2026";
/**
 * The demo supervisor's and admin's authenticator secret (they must have a second factor): add it
 * to any authenticator app, or print the current code with `npm run demo:code`. Demo only.
 */
export const DEMO_TOTP_SECRET = "PENSIONDEMOTOTPSECRETGZHRSSAAAAA";
export const DEMO_USERS = [
  { username: "officer", displayName: "王晓梅", role: "officer", regions: ["5201"] },
  { username: "officer-zunyi", displayName: "李建国", role: "officer", regions: ["5203"] },
  { username: "supervisor", displayName: "张志强", role: "supervisor", regions: ["52"] },
  { username: "admin", displayName: "系统管理员", role: "admin", regions: ["52"] },
] as const;

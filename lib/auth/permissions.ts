export const ROLES = ["officer", "supervisor", "admin"] as const;
export type TRole = (typeof ROLES)[number];

/** Role → permission matrix (dub's rbac/permissions.ts). Code checks permissions, never roles. */
export const PERMISSIONS = {
  "pensioners.read": ["officer", "supervisor", "admin"],
  "pensioners.write": ["officer", "admin"],
  "pensioners.revealId": ["officer", "supervisor"],
  "roll.import": ["officer", "admin"],
  "audit.read": ["officer", "supervisor", "admin"],
  /** The audit viewer, proofs, checkpoints and exports of the whole trail (supervisors and auditors). */
  "audit.verify": ["supervisor"],
  "dashboard.read": ["supervisor", "admin"],
  "fees.read": ["supervisor", "admin"],
  /** Top up a bureau's TKY account from the funding account; requeue a failed settlement. */
  "fees.manage": ["supervisor"],
  "runs.read": ["officer", "supervisor"],
  "runs.start": ["officer", "supervisor"],
  "users.manage": ["admin"],
  /** One's own account: password, second factor, sessions, failed sign-ins. */
  "account.self": ["officer", "supervisor", "admin"],
  /** Kiosk devices: enrol (one-time code), list, revoke. */
  "devices.manage": ["admin"],
  /** Due kiosk checks per region (the officer's follow-up list). */
  "checks.read": ["officer", "supervisor"],
  /** A pensioner's reference face for the kiosk, from a photo (forwarded to BDMI; no image kept). */
  "faces.enrol": ["officer"],
  /** The case queue and case pages of the caller's regions. */
  "cases.read": ["officer", "supervisor"],
  /** Assign, notes, evidence, in-person checks, manual interventions, proposals, appeals. */
  "cases.work": ["officer", "supervisor"],
  /** Approve or reject a proposed suspension, termination or reinstatement (never one's own). */
  "cases.approve": ["supervisor"],
  /** Printable check and suspension notices, one or a region's batch. */
  "notices.print": ["officer", "supervisor"],
  /** The payment holds CSV export (suspended and terminated pensioners with amounts). */
  "payments.export": ["supervisor"],
  /** API tokens for machine clients (the payment system). */
  "apiTokens.manage": ["admin"],
} as const satisfies Record<string, readonly TRole[]>;

export type TPermission = keyof typeof PERMISSIONS;

export function can(role: TRole, permission: TPermission): boolean {
  return (PERMISSIONS[permission] as readonly TRole[]).includes(role);
}

/** Where each role lands after sign-in. */
export function homeFor(role: TRole): string {
  return role === "supervisor" ? "/dashboard" : role === "admin" ? "/users" : "/roll";
}

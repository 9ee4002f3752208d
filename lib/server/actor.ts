import type { TRole } from "../auth/permissions";

/** Who is acting, and through which request: threaded from withRoute into every use case. */
export type TActor = {
  userId: string | null;
  /** "kiosk": an enrolled kiosk device (userId is then the device's id). "api": a machine client's API token (userId is the token's id). */
  role: TRole | "system" | "anonymous" | "kiosk" | "api";
  regions: string[];
  requestId: string | null;
  ip: string | null;
};

export function systemActor(requestId: string | null = null): TActor {
  return { userId: null, role: "system", regions: [], requestId, ip: null };
}

/** A staff member acting on her own account, through the session she is signed in with. */
export type TSelfActor = TActor & { userId: string; sessionId: string };

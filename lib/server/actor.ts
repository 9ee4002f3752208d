import type { TRole } from "../auth/permissions";

/** Who is acting, and through which request: threaded from withRoute into every use case. */
export type TActor = {
  userId: string | null;
  /** "kiosk": an enrolled kiosk device (userId is then the device's id). */
  role: TRole | "system" | "anonymous" | "kiosk";
  regions: string[];
  requestId: string | null;
  ip: string | null;
};

export function systemActor(requestId: string | null = null): TActor {
  return { userId: null, role: "system", regions: [], requestId, ip: null };
}

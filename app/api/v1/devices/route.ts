import { enrolKioskDevice, ZDeviceCreate } from "@/lib/server/kiosk/enrol-kiosk-device";
import { listKioskDevices, ZDeviceQuery } from "@/lib/server/kiosk/list-kiosk-devices";
import { withRoute } from "@/lib/server/with-route";

export const GET = withRoute({
  permission: "devices.manage",
  schemas: { query: ZDeviceQuery },
  handler: ({ actor, query }) => listKioskDevices(actor, query),
});

/** Registers a device; the answer carries its one-time enrolment code, shown once. */
export const POST = withRoute({
  permission: "devices.manage",
  schemas: { body: ZDeviceCreate },
  status: 201,
  handler: ({ actor, body }) => enrolKioskDevice(actor, body),
});

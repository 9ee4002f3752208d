// npm run bdmi: the reference BDMI scoring service as its own process. Uses BDMI_DATABASE_URL, else
// DATABASE_URL, else starts (or joins) the embedded PostgreSQL as `npm start` does; its data lives
// in the `bdmi` schema only. Prints "[bdmi] listening on <url>" once it accepts requests.
import { startEmbeddedPostgres, type TDatabase } from "../../db/embedded";
import { env } from "../../env.js";
import { configuredServiceKeys, startBdmiService, type TBdmiService } from "./start";

const log = (m: string) => console.log(`[bdmi] ${m}`);

async function main() {
  let db: TDatabase | null = null;
  let service: TBdmiService | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping…");
    await service?.close().catch((e) => log(`close failed: ${(e as Error).message}`));
    await db?.stop().catch(() => {});
    log("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    const keys = configuredServiceKeys();
    const url = env.BDMI_DATABASE_URL ?? env.DATABASE_URL;
    db = url ? { url, embedded: false, stop: async () => {} } : await startEmbeddedPostgres(env.DATA_DIR, log);
    const thresholds = {
      match: env.BDMI_MATCH_THRESHOLD,
      review: env.BDMI_MATCH_REVIEW_THRESHOLD,
      liveness: env.BDMI_LIVENESS_THRESHOLD,
      antispoof: env.BDMI_ANTISPOOF_THRESHOLD,
    };
    service = await startBdmiService({ databaseUrl: db.url, ...keys, host: env.BDMI_HOST, port: env.BDMI_PORT, log, thresholds, warmFaces: true, faceWorkers: env.BDMI_FACE_WORKERS });
    log(`trusted agencies: ${[...keys.trusted.keys()].join(", ") || "(none)"}`);
    log(`listening on ${service.url}`);
  } catch (e) {
    console.error(e);
    await stop(1);
  }
}

void main();

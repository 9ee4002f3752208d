import { afterAll, inject } from "vitest";
import { closeDb, useDatabaseUrl } from "../lib/db/client";
import { stopJobSender } from "../lib/server/jobs/enqueue";

useDatabaseUrl(inject("databaseUrl"));
afterAll(async () => {
  await stopJobSender();
  await closeDb();
});

import { afterAll, inject } from "vitest";
import { closeDb, useDatabaseUrl } from "../lib/db/client";

useDatabaseUrl(inject("databaseUrl"));
afterAll(() => closeDb());

import { env } from "../env.js";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type TLevel = keyof typeof LEVELS;

function emit(level: TLevel, msg: string, fields?: Record<string, unknown>) {
  if (LEVELS[level] < LEVELS[env.LOG_LEVEL]) return;
  const line = JSON.stringify({ level, at: new Date().toISOString(), msg, ...fields });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

/** Structured JSON logs. Callers pass masked values only: no raw ID numbers, names or phones. */
export const log = {
  debug: (m: string, f?: Record<string, unknown>) => emit("debug", m, f),
  info: (m: string, f?: Record<string, unknown>) => emit("info", m, f),
  warn: (m: string, f?: Record<string, unknown>) => emit("warn", m, f),
  error: (m: string, f?: Record<string, unknown>) => emit("error", m, f),
};

// Whether an error means the database cannot be reached right now (restarting, failing over, a
// network cut), as opposed to a bug or a refused query: such a request answers 503 with
// Retry-After, and the pools reconnect by themselves once it is back.
const CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN",
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, connection exceptions.
  "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006",
  // Prisma: cannot reach, timed out, closed the connection.
  "P1001", "P1002", "P1017", "P2024",
]);
const MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /terminating connection due to administrator command/i, /the database system is (starting up|shutting down)/i, /Connection refused/i, /Can't reach database server/i];

export function isDbUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 6) return false;
  const x = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; meta?: unknown; originalCode?: unknown; kind?: unknown };
  if (typeof x.code === "string" && CODES.has(x.code)) return true;
  if (typeof x.originalCode === "string" && CODES.has(x.originalCode)) return true;
  if (x.kind === "DatabaseNotReachable" || x.kind === "ConnectionClosed" || x.kind === "SocketTimeout") return true;
  if (typeof x.message === "string" && MESSAGES.some((m) => m.test(x.message as string))) return true;
  if (Array.isArray(x.errors) && x.errors.some((c) => isDbUnavailable(c, depth + 1))) return true;
  const meta = x.meta as { driverAdapterError?: unknown } | undefined;
  return isDbUnavailable(x.cause, depth + 1) || isDbUnavailable(meta?.driverAdapterError, depth + 1);
}

import type { Server } from "node:http";

/**
 * Stops an HTTP server gracefully: no new connections, idle keep-alive sockets closed at once,
 * in-flight requests allowed to finish for at most `seconds`, then the rest cut.
 */
export function drainServer(server: Server, seconds: number): Promise<"drained" | "forced"> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.closeAllConnections();
      resolve("forced");
    }, seconds * 1000);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve("drained");
    });
    server.closeIdleConnections();
  });
}

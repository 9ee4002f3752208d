import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { drainServer } from "./drain-server";

async function slowServer(ms: number): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => setTimeout(() => res.end("done"), ms));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe("drainServer", () => {
  it("lets an in-flight request finish, then refuses new connections", async () => {
    const { server, url } = await slowServer(300);
    const inFlight = fetch(url).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    const drained = drainServer(server, 5);
    expect(await inFlight).toBe("done");
    expect(await drained).toBe("drained");
    await expect(fetch(url)).rejects.toThrow();
  });

  it("cuts requests that outlive the bound", async () => {
    const { server, url } = await slowServer(5_000);
    const inFlight = fetch(url).then(() => "answered", () => "cut");
    await new Promise((r) => setTimeout(r, 50));
    expect(await drainServer(server, 0.2)).toBe("forced");
    expect(await inFlight).toBe("cut");
  });
});

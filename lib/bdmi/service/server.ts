import http from "node:http";
import type { z } from "zod";
import { ZAssessmentRequest, ZFaceEnrolRequest, ZFeedQuery, ZLivenessRequest, ZSubjectsRequest } from "../contract";
import { H, sha256Hex, SignatureError, signResponse, verifyRequest } from "../signing";
import { assessBatch } from "./assessments";
import type { TBdmiContext } from "./context";
import { enrolFace } from "./faces";
import { currentSchedule } from "./fees";
import { hashBody, loadFeed, MAX_FEED_BYTES, storedFeed } from "./feeds";
import { openApiDocument } from "./openapi";
import { livenessCheck } from "./liveness";
import { invalid, ProblemError, zodFields } from "./problem";
import { enrolSubjects } from "./subjects";

// The reference BDMI service over plain node:http. Every request but the two public documents
// must carry a valid agency signature and a fresh nonce; every response, errors included, is
// signed with the service's key over the request's nonce, so the caller can trust what it reads.

/** JSON bodies: 5,000 assessment items or 50,000 IDs are about 1.5 MB. */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;

export type TBdmiServerOptions = TBdmiContext;

type TReq = http.IncomingMessage;

function headerOf(req: TReq, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: TReq, limit: number): Promise<Buffer> {
  const declared = Number(headerOf(req, "content-length") ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw tooLarge(limit);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ProblemError {
  return new ProblemError(413, "too-large", "Payload too large", `the body is larger than ${limit} bytes`);
}

/** Reads and drops what is left of a request body, so a keep-alive connection stays usable. */
async function drain(req: TReq): Promise<boolean> {
  if (req.readableEnded) return true;
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > MAX_FEED_BYTES) return false;
  }
  return true;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Field paths are relative to the body (the contract's convention); an error about the body as a whole says "body". */
function parseJson<T extends z.ZodType>(body: Buffer, schema: T): z.infer<T> {
  let data: unknown;
  try {
    data = JSON.parse(utf8.decode(body));
  } catch (e) {
    const why = e instanceof TypeError ? "the body is not valid UTF-8" : `the body is not JSON: ${(e as Error).message}`;
    throw invalid(why, [{ path: "body", message: e instanceof TypeError ? "bad UTF-8" : "bad JSON" }]);
  }
  const r = schema.safeParse(data);
  if (!r.success) throw invalid(`${r.error.issues.length} field(s) are not valid`, zodFields(r.error).map((f) => (f.path ? f : { ...f, path: "body" })));
  return r.data;
}

/** A problem written straight to a socket Node's HTTP parser refused (no request to answer through). */
function rawProblem(p: ProblemError): string {
  const body = JSON.stringify(p.toJSON());
  return (
    `HTTP/1.1 ${p.status} ${p.title}\r\ncontent-type: application/problem+json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

export function createBdmiServer(ctx: TBdmiServerOptions): http.Server {
  const { pool, log } = ctx;

  /** Signature, timestamp, agency, body hash; then the nonce, which is accepted once. */
  async function authenticate(req: TReq, bodySha256: string, opts: { consumeNonce: boolean; now?: Date }): Promise<string> {
    let v: ReturnType<typeof verifyRequest>;
    try {
      v = verifyRequest({
        method: req.method ?? "GET",
        pathWithQuery: req.url ?? "/",
        bodySha256,
        header: (n) => headerOf(req, n),
        publicKeyFor: (a) => ctx.trusted.get(a),
        now: opts.now,
      });
    } catch (e) {
      if (e instanceof SignatureError) throw new ProblemError(401, e.reason, "Unauthorized", e.message);
      throw e;
    }
    if (opts.consumeNonce) {
      const r = await pool.query("insert into bdmi.nonces (agency, nonce) values ($1, $2) on conflict do nothing", [v.agencyId, v.nonce]);
      if (r.rowCount === 0) throw new ProblemError(401, "replayed-nonce", "Unauthorized", "this nonce was used before: the request is a replay");
    }
    return v.agencyId;
  }

  async function feed(req: TReq, url: URL): Promise<unknown> {
    const started = new Date();
    // A feed declared larger than the limit is refused before a transaction or a COPY is opened for it.
    if (Number(headerOf(req, "content-length") ?? 0) > MAX_FEED_BYTES) throw tooLarge(MAX_FEED_BYTES);
    const q = ZFeedQuery.safeParse({ feedId: url.searchParams.get("feedId") ?? undefined });
    // The declared hash lets the signature be checked before a large body is read at all; the
    // body is then held to it (a mismatch is the "body-hash" rejection).
    const claimed = headerOf(req, H.contentSha256);
    let agency: string | null = null;
    if (claimed) agency = await authenticate(req, claimed, { consumeNonce: true, now: started });
    const finish = async (sha: string) => {
      const a = await authenticate(req, sha, { consumeNonce: agency === null, now: started });
      agency ??= a;
      return a;
    };
    if (!q.success) {
      await finish(await hashBody(req as AsyncIterable<Buffer>));
      throw invalid("the feedId query parameter is not valid", zodFields(q.error));
    }
    const feedId = q.data.feedId;
    const stored = await storedFeed(pool, feedId);
    if (stored) {
      const a = await finish(await hashBody(req as AsyncIterable<Buffer>));
      if (stored.agency !== a) throw new ProblemError(409, "feed-id-taken", "Feed id taken", `feed ${feedId} was loaded by another agency`);
      return { ...stored.report, replayed: true };
    }
    const t0 = performance.now();
    const report = await loadFeed(ctx, {
      feedId,
      agency: agency ?? "",
      body: req as AsyncIterable<Buffer>,
      authorise: async (sha) => void (await finish(sha)),
    });
    log(
      `feed ${feedId} (${agency}): ${report.received} received, ${report.accepted} accepted, ${report.rejected} rejected, ` +
        `${report.notEnrolled} not enrolled, ${report.unknownCodes} unknown codes${report.replayed ? " (replayed)" : ""} in ${Math.round(performance.now() - t0)} ms`,
    );
    return report;
  }

  async function route(req: TReq, url: URL): Promise<{ status: number; body: string }> {
    const ok = (v: unknown) => ({ status: 200, body: JSON.stringify(v) });
    switch (`${req.method} ${url.pathname}`) {
      case "GET /healthz":
        return ok({ ok: true });
      case "GET /v1/openapi.json":
        return { status: 200, body: openApiDocument() };
      case "GET /v1/fees": {
        const body = await readBody(req, MAX_JSON_BYTES);
        await authenticate(req, sha256Hex(body), { consumeNonce: true });
        return ok(await currentSchedule(pool));
      }
      case "POST /v1/subjects": {
        const body = await readBody(req, MAX_JSON_BYTES);
        const agency = await authenticate(req, sha256Hex(body), { consumeNonce: true });
        return ok(await enrolSubjects(ctx, agency, parseJson(body, ZSubjectsRequest).nationalIds));
      }
      case "POST /v1/assessments": {
        const body = await readBody(req, MAX_JSON_BYTES);
        const sha = sha256Hex(body);
        const agency = await authenticate(req, sha, { consumeNonce: true });
        return ok(await assessBatch(ctx, agency, sha, parseJson(body, ZAssessmentRequest)));
      }
      case "POST /v1/evidence/feeds":
        return ok(await feed(req, url));
      case "POST /v1/faces": {
        const body = await readBody(req, MAX_JSON_BYTES);
        const agency = await authenticate(req, sha256Hex(body), { consumeNonce: true });
        return ok(await enrolFace(ctx, agency, parseJson(body, ZFaceEnrolRequest)));
      }
      case "POST /v1/liveness-checks": {
        const body = await readBody(req, MAX_JSON_BYTES);
        const sha = sha256Hex(body);
        const agency = await authenticate(req, sha, { consumeNonce: true });
        return ok(await livenessCheck(ctx, agency, sha, parseJson(body, ZLivenessRequest)));
      }
      default: {
        const known = ["/healthz", "/v1/openapi.json", "/v1/fees", "/v1/subjects", "/v1/assessments", "/v1/evidence/feeds", "/v1/faces", "/v1/liveness-checks"].includes(url.pathname);
        throw known
          ? new ProblemError(405, "method-not-allowed", "Method not allowed", `${req.method} is not allowed on ${url.pathname}`)
          : new ProblemError(404, "not-found", "Not found", `no such endpoint: ${url.pathname}`);
      }
    }
  }

  async function logRejection(req: TReq, status: number, reason: string, detail: string) {
    const agency = headerOf(req, H.agency) ?? null;
    log(`rejected ${req.method} ${req.url} (agency ${agency ?? "-"}): ${status} ${reason}: ${detail}`);
    await pool
      .query("insert into bdmi.request_log (agency, method, path, status, reason) values ($1, $2, $3, $4, $5)", [
        agency?.slice(0, 200) ?? null,
        req.method ?? "",
        (req.url ?? "").slice(0, 2000),
        status,
        `${reason}: ${detail}`.slice(0, 1000),
      ])
      .catch((e) => log(`request_log insert failed: ${(e as Error).message}`));
  }

  /** Sockets with a request being answered: a parser error on one of them must not write a second response. */
  const answering = new WeakSet<object>();
  const server = http.createServer((req, res) => {
    answering.add(req.socket);
    res.once("close", () => answering.delete(req.socket));
    let url: URL | null = null;
    try {
      url = new URL(req.url ?? "/", "http://bdmi.invalid");
    } catch {
      // "//" or "//[" is a request target but not a URL: answered below, never thrown out of the listener.
    }
    const nonce = headerOf(req, H.nonce) ?? "";
    const send = (status: number, body: string, contentType: string, close = false) => {
      const buf = Buffer.from(body, "utf8");
      res.writeHead(status, {
        "content-type": `${contentType}; charset=utf-8`,
        "content-length": buf.length,
        ...(close ? { connection: "close" } : {}),
        ...signResponse({ status, requestNonce: nonce, body: buf, key: ctx.serviceKey }),
      });
      res.end(buf);
    };
    const routed = url ? route(req, url) : Promise.reject(invalid("the request target is not a valid URL path", [{ path: "url", message: "invalid" }]));
    routed.then(
      (r) => send(r.status, r.body, "application/json"),
      async (e: unknown) => {
        const p =
          e instanceof ProblemError
            ? e
            : new ProblemError(500, "internal", "Internal error", "the service failed to answer; the request may be retried");
        if (!(e instanceof ProblemError)) log(`error on ${req.method} ${url?.pathname}: ${(e as Error)?.stack ?? String(e)}`);
        if (p.status === 401 || p.status === 413) await logRejection(req, p.status, p.slug, p.message);
        const drained = p.status !== 413 && (await drain(req).catch(() => false));
        if (res.headersSent || res.destroyed) return;
        send(p.status, JSON.stringify(p.toJSON()), "application/problem+json", !drained);
      },
    );
  });
  // What Node's parser refuses (a malformed request line, headers over the limit, a bad
  // Content-Length) never reaches the listener; by default it gets a bare 400 or 431 without a
  // body. Callers get problem+json like every other refusal (unsigned: there is no request nonce).
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === "ECONNRESET" || answering.has(socket)) return void socket.destroy();
    const big = err.code === "HPE_HEADER_OVERFLOW";
    const p = big
      ? new ProblemError(431, "headers-too-large", "Request header fields too large", "the request's headers are larger than the service accepts")
      : new ProblemError(400, "bad-request", "Bad request", "the request is not valid HTTP/1.1", [{ path: "request", message: err.code ?? "malformed" }]);
    socket.end(rawProblem(p));
  });
  // Large feeds take a while to stream in; the defaults would cut them off.
  server.requestTimeout = 10 * 60_000;
  // Longer than any client's idle timeout, so a client never writes a request into a connection
  // the service is just closing (a client busy preparing a large feed may notice late).
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  return server;
}

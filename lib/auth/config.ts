import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "../env.js";
import { revokeSession, signInWithPassword } from "../server/users/sign-in";
import { log } from "../server/log";
import { clientIp } from "./client-ip";

// The reason travels to the form as the error code (Auth.js passes `code` through to signIn()).
class SignInRefused extends CredentialsSignin {
  constructor(reason: string) {
    super(reason);
    this.code = reason;
  }
}

const ZCredentials = z.object({
  username: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
  code: z.string().max(32).optional().default(""),
});

declare module "next-auth" {
  interface User {
    sessionId?: string;
  }
}

// Auth.js v5 with JWTs that carry only a server-side session id; lib/auth/current-user.ts checks
// that id against the sessions table on every request, so revocation is immediate.
export const { handlers, auth, signOut } = NextAuth({
  secret: env.AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: env.SESSION_HOURS * 3600 },
  pages: { signIn: "/sign-in" },
  // A wrong password is an expected outcome, already counted in sign_in_failures: no stack trace.
  logger: {
    error: (e) => {
      // Class names are minified in the production build; Auth.js's own `type` is not.
      if ((e as { type?: string }).type !== "CredentialsSignin") log.error("auth error", { name: e.name, message: e.message });
    },
    warn: (code) => log.warn("auth warning", { code }),
  },
  providers: [
    Credentials({
      credentials: { username: {}, password: {}, code: {} },
      async authorize(raw, request) {
        const parsed = ZCredentials.safeParse(raw);
        if (!parsed.success) throw new SignInRefused("invalid");
        const { username, password, code } = parsed.data;
        const r = await signInWithPassword({ login: username, password, code, ip: clientIp(request.headers), userAgent: request.headers.get("user-agent") });
        if (!r.ok) throw new SignInRefused(r.reason);
        return { id: r.userId, name: r.displayName, sessionId: r.sessionId };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.sessionId) token.sid = user.sessionId;
      return token;
    },
    session({ session, token }) {
      return { ...session, sid: typeof token.sid === "string" ? token.sid : undefined };
    },
  },
  events: {
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await revokeSession(sid).catch(() => {});
    },
  },
});

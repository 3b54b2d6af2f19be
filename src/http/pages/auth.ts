import { Elysia, t } from "elysia";
import { DomainError } from "../../errors.ts";
import type { LoginResult } from "../../auth/login.ts";
import { AccountBanned } from "../../moderation/bans.ts";
import type { RouteDeps } from "../app.ts";
import { HttpRefusal } from "../errors.ts";
import { RateLimiter } from "../rate-limit.ts";
import { jsonResponse, redirectAfterPost } from "../respond.ts";
import type { Visit } from "../visit.ts";
import { renderLogin } from "./public.ts";

/** Login attempts per client address per minute, across every /auth route. */
const AUTH_ATTEMPTS_PER_MINUTE = 20;

const csrfField = t.Optional(t.String({ maxLength: 128 }));
const DevLoginBody = t.Object({ name: t.String({ maxLength: 256 }), _csrf: csrfField });
const WebAppBody = t.Object({ initData: t.String({ minLength: 1, maxLength: 4096 }), _csrf: csrfField });

/** Telegram widget redirect, Mini App post, dev login and logout. */
export function authRoutes(deps: RouteDeps) {
  const { visits, login, cookie, logger } = deps;
  const limiter = new RateLimiter(AUTH_ATTEMPTS_PER_MINUTE, 60_000, deps.now);

  const signedIn = (visit: Visit, result: LoginResult, how: string) => {
    logger.info("login", { request_id: visit.requestId, method: how, youmeet_id: result.account.youmeetId, new_account: result.created });
    return { "set-cookie": cookie.set(result.token, result.absoluteExpiresAt) };
  };
  const refused = (visit: Visit, error: unknown, how: string) => {
    if (!(error instanceof DomainError)) throw error;
    logger.info("login_refused", { request_id: visit.requestId, method: how, code: error.code });
    if (error instanceof AccountBanned) {
      const message = error.reason ? visit.t("login.banned.reason", { reason: error.reason }) : visit.t("login.banned");
      return { kind: error.kind, code: error.code, message, status: 403 };
    }
    return { kind: error.kind, code: error.code, message: error.message, status: error.kind === "bad_input" ? 400 : 401 };
  };

  return new Elysia({ name: "auth-routes" })
    .onBeforeHandle({ as: "local" }, ({ request }) => {
      const visit = visits.of(request);
      const wait = limiter.hit(visit.clientAddress);
      if (wait > 0) {
        throw new HttpRefusal(429, "auth.rate_limited", visit.t("error.429.body"), { "retry-after": String(wait) });
      }
    })
    .get("/auth/telegram", ({ request }) => {
      const visit = visits.of(request);
      const ua = request.headers.get("user-agent");
      try {
        const result = login.widget([...new URL(request.url).searchParams], ua);
        return new Response(null, { status: 303, headers: { location: "/dashboard", ...signedIn(visit, result, "widget") } });
      } catch (error) {
        const failure = refused(visit, error, "widget");
        return renderLogin(deps, visit, failure.status, failure);
      }
    })
    .post(
      "/auth/telegram/webapp",
      ({ request, body }) => {
        const visit = visits.of(request);
        try {
          const result = login.webApp(body.initData, request.headers.get("user-agent"));
          return jsonResponse({ redirect: "/dashboard" }, 200, signedIn(visit, result, "webapp"));
        } catch (error) {
          const failure = refused(visit, error, "webapp");
          return jsonResponse({ error: { code: failure.code, message: failure.message, requestId: visit.requestId } }, failure.status);
        }
      },
      { body: WebAppBody },
    )
    .post(
      "/auth/dev",
      ({ request, body }) => {
        const visit = visits.of(request);
        try {
          const result = login.dev(body.name, request.headers.get("user-agent"));
          return redirectAfterPost("/dashboard", visit.isHtmx, signedIn(visit, result, "dev"));
        } catch (error) {
          const failure = refused(visit, error, "dev");
          return renderLogin(deps, visit, failure.status, failure);
        }
      },
      { body: DevLoginBody },
    )
    .post("/auth/logout", ({ request }) => {
      const visit = visits.of(request);
      const accountId = visit.session?.account.id;
      deps.sessions.end(cookie.read(request.headers.get("cookie")));
      visit.forgetSession();
      // This session's live pages leave now, so the person does not stay "online" from them.
      if (accountId !== undefined) deps.live.recheck(accountId);
      return redirectAfterPost("/", visit.isHtmx, { "set-cookie": cookie.clear() });
    });
}

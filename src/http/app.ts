import { Elysia } from "elysia";
import type { GuestTokens } from "../auth/guest-tokens.ts";
import type { LoginService } from "../auth/login.ts";
import type { SessionService } from "../auth/sessions.ts";
import type { Config } from "../config/config.ts";
import type { FeedbackService } from "../feedback/service.ts";
import type { CallService } from "../contacts/calls.ts";
import type { LivePages } from "../contacts/live.ts";
import type { ContactService } from "../contacts/service.ts";
import type { Logger } from "../log/logger.ts";
import type { DataRights } from "../privacy/data-rights.ts";
import type { NoticeService } from "../notices/service.ts";
import type { PlanService } from "../plans/service.ts";
import type { RoomService } from "../rooms/service.ts";
import type { SignalHub } from "../signal/hub.ts";
import type { Stores } from "../store/index.ts";
import { contactsApi } from "./api/contacts.ts";
import { roomsApi } from "./api/rooms.ts";
import { apiRoutes } from "./api/routes.ts";
import { clientAddress } from "./client-address.ts";
import { CsrfTokens, isSameOrigin } from "./csrf.ts";
import { HttpRefusal, errorResponse } from "./errors.ts";
import { liveEvents } from "./events.ts";
import { HttpMetrics } from "./metrics.ts";
import { opsRoutes } from "./ops.ts";
import { accountPages } from "./pages/account.ts";
import { meApi } from "./api/me.ts";
import { myDataPages } from "./pages/my-data.ts";
import { authRoutes } from "./pages/auth.ts";
import { feedbackRoutes } from "./pages/feedback.ts";
import { callPages } from "./pages/calls.ts";
import { contactPages } from "./pages/contacts.ts";
import { publicPages } from "./pages/public.ts";
import { roomPages } from "./pages/rooms.ts";
import { securityHeaders } from "./security-headers.ts";
import { SessionCookie } from "./session-cookie.ts";
import { signalSocket, WEBSOCKET_LIMITS } from "./signal-socket.ts";
import { staticFiles } from "./static.ts";
import { Visits } from "./visit.ts";

/** Requests may carry at most this much body: youmeet takes forms and small JSON only. */
export const MAX_BODY_BYTES = 64 * 1024;

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** What the HTTP layer needs from the rest of the server. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  stores: Stores;
  sessions: SessionService;
  login: LoginService;
  rooms: RoomService;
  plans: PlanService;
  hub: SignalHub;
  contacts: ContactService;
  calls: CallService;
  live: LivePages;
  guests: GuestTokens;
  dataRights: DataRights;
  feedback: FeedbackService;
  notices: NoticeService;
  csrfSecret: Uint8Array;
  staticDir: string;
  metrics?: HttpMetrics;
  now?: () => number;
}

/** Builds the Elysia app: pages, auth, JSON API, static files and operations endpoints. */
export async function createApp(deps: AppDeps) {
  const { config, logger } = deps;
  const metrics = deps.metrics ?? new HttpMetrics();
  const cookie = new SessionCookie(config.secureCookies, deps.now);
  const csrf = new CsrfTokens(deps.csrfSecret, deps.now);
  const visits = new Visits({
    sessions: deps.sessions,
    cookie,
    csrf,
    privacyPolicyVersion: config.privacyPolicyVersion,
    notice: () => deps.notices.current(),
  });
  const headers = securityHeaders(config.secureCookies);
  const shared = { ...deps, metrics, cookie, csrf, visits };

  return new Elysia({ name: "youmeet", websocket: WEBSOCKET_LIMITS })
    .onRequest(({ request, set, server }) => {
      const peer = server?.requestIP(request)?.address ?? "unknown";
      const visit = visits.of(request, clientAddress(request, peer, config.trustProxy));
      Object.assign(set.headers, headers, { "x-request-id": visit.requestId });
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > MAX_BODY_BYTES) {
        throw new HttpRefusal(413, "request.too_large", visit.t("error.413.body"));
      }
    })
    .onError({ as: "global" }, ({ error, request, set }) => {
      const response = errorResponse(error, visits.of(request), logger);
      set.status = response.status;
      return response;
    })
    .onBeforeHandle({ as: "global" }, ({ request, body }) => {
      if (!UNSAFE_METHODS.has(request.method)) return;
      const visit = visits.of(request);
      if (!isSameOrigin(request, config.publicOrigin)) {
        throw new HttpRefusal(403, "csrf.cross_site", "This request came from another site and was refused.");
      }
      const token = request.headers.get("x-csrf-token") ?? formField(body, "_csrf");
      if (!csrf.verify(token, visit.session?.tokenHash ?? null)) {
        throw new HttpRefusal(403, "csrf.bad_token", "This form has expired or was not sent by this site; reload the page and try again.");
      }
    })
    .onAfterResponse({ as: "global" }, ({ request, set, route, responseValue }) => {
      const visit = visits.of(request);
      const status = responseValue instanceof Response ? responseValue.status : Number(set.status ?? 200);
      const seconds = (performance.now() - visit.startedAt) / 1000;
      const label = route || "unmatched";
      metrics.observe(request.method, label, status, seconds);
      logger.info("http_request", {
        request_id: visit.requestId,
        method: request.method,
        route: label,
        status,
        duration_ms: Math.round(seconds * 10000) / 10,
      });
    })
    .use(await staticFiles(deps.staticDir))
    .use(opsRoutes({ stores: deps.stores, metrics, metricsToken: config.metricsToken, visits }))
    .use(publicPages(shared))
    .use(authRoutes(shared))
    .use(accountPages(shared))
    .use(myDataPages(shared))
    .use(roomPages(shared))
    .use(signalSocket(shared))
    .use(contactPages(shared))
    .use(callPages(shared))
    .use(liveEvents(shared))
    .use(roomsApi(shared))
    .use(meApi(shared))
    .use(feedbackRoutes(shared))
    .use(contactsApi(shared))
    .use(apiRoutes(shared));
}

/** The shared pieces route modules receive. */
export type RouteDeps = AppDeps & { metrics: HttpMetrics; cookie: SessionCookie; csrf: CsrfTokens; visits: Visits };

function formField(body: unknown, name: string): string | null {
  if (body && typeof body === "object" && name in body) {
    const value = (body as Record<string, unknown>)[name];
    return typeof value === "string" ? value : null;
  }
  return null;
}

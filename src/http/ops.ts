import { timingSafeEqual } from "node:crypto";
import { Elysia } from "elysia";
import type { Stores } from "../store/index.ts";
import { HttpRefusal } from "./errors.ts";
import type { HttpMetrics } from "./metrics.ts";
import { jsonResponse } from "./respond.ts";
import type { Visits } from "./visit.ts";

/** /healthz for Docker and load balancers, /metrics for Prometheus. */
export function opsRoutes(deps: { stores: Stores; metrics: HttpMetrics; metricsToken: string | null; visits: Visits }) {
  return new Elysia({ name: "ops" })
    .get("/healthz", () =>
      deps.stores.ping()
        ? jsonResponse({ status: "ok" })
        : jsonResponse({ status: "unavailable", reason: "The database does not answer." }, 503),
    )
    .get("/metrics", async ({ request }) => {
      const visit = deps.visits.of(request);
      if (!mayReadMetrics(request.headers.get("authorization"), visit.clientAddress, deps.metricsToken)) {
        throw new HttpRefusal(
          403,
          "metrics.forbidden",
          deps.metricsToken
            ? "Metrics need the bearer token set with --metrics-token."
            : "Metrics are answered only to this machine (loopback); set --metrics-token to read them remotely.",
        );
      }
      const { body, contentType } = await deps.metrics.render();
      return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
    });
}

/** Loopback clients may read metrics when no token is set; with a token, only its bearer. */
function mayReadMetrics(authorization: string | null, clientAddress: string, token: string | null): boolean {
  if (token) {
    const presented = Buffer.from(authorization?.startsWith("Bearer ") ? authorization.slice(7) : "");
    const expected = Buffer.from(token);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }
  return isLoopback(clientAddress);
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

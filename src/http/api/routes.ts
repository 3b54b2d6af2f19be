import { Elysia } from "elysia";
import type { RouteDeps } from "../app.ts";
import { jsonResponse } from "../respond.ts";
import { requireAccount } from "./auth.ts";
import { openApiDocument } from "./openapi.ts";

/** The stable JSON API under /api/v1. */
export function apiRoutes(deps: RouteDeps) {
  const { visits } = deps;
  const document = JSON.stringify(openApiDocument(deps.config.publicUrl, deps.cookie.name));
  return new Elysia({ name: "api-v1", prefix: "/api/v1" })
    .get("/openapi.json", () => new Response(document, { headers: { "content-type": "application/json; charset=utf-8" } }))
    .get("/me", ({ request }) => {
      const visit = visits.of(request);
      const account = requireAccount(visit);
      return jsonResponse({
        youmeetId: account.youmeetId,
        telegramId: account.telegramId,
        firstName: account.firstName,
        lastName: account.lastName,
        displayName: account.displayName,
        name: account.name,
        username: account.username,
        photoUrl: account.photoUrl,
        language: visit.language,
        region: account.region,
        createdAt: new Date(account.createdAt).toISOString(),
      });
    })
    .get("/me/usage", ({ request }) => {
      const usage = deps.plans.usage(requireAccount(visits.of(request)).id);
      return jsonResponse({ ...usage, resetsAt: new Date(usage.resetsAt).toISOString() });
    })
    .all("/*", ({ request }) => {
      const visit = visits.of(request);
      return jsonResponse(
        { error: { code: "not_found", message: "There is no such API endpoint.", requestId: visit.requestId } },
        404,
      );
    });
}

import { Elysia } from "elysia";
import type { RouteDeps } from "../app.ts";
import type { Submission } from "../pages/feedback.ts";
import { jsonResponse } from "../respond.ts";
import type { Visit } from "../visit.ts";
import { SendFeedback } from "./schemas.ts";

/** POST /api/v1/feedback: the same checks, store and rate limit as the form. */
export function feedbackApi(deps: RouteDeps, submit: (visit: Visit, input: typeof SendFeedback.static) => Submission) {
  const { visits } = deps;
  return new Elysia({ name: "api-feedback", prefix: "/api/v1" }).post(
    "/feedback",
    ({ request, body }) => {
      const visit = visits.of(request);
      const result = submit(visit, body);
      switch (result.kind) {
        case "sent":
          return jsonResponse({ id: result.id, createdAt: new Date(result.createdAt).toISOString() }, 201);
        case "invalid": {
          const fields = Object.values(result.errors);
          const error = { code: "feedback.invalid", message: fields.map((f) => f.message).join(" "), requestId: visit.requestId, fields: result.errors };
          return jsonResponse({ error }, 400);
        }
        case "rate_limited":
          return jsonResponse(
            { error: { code: "feedback.rate_limited", message: result.message, requestId: visit.requestId } },
            429,
            { "retry-after": String(result.waitSeconds) },
          );
      }
    },
    { body: SendFeedback },
  );
}

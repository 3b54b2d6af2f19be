import { Elysia, t } from "elysia";
import { feedbackForm, feedbackPage, feedbackSent, type FeedbackFormState } from "../../../views/pages/feedback.ts";
import type { Translate } from "../../../views/i18n/index.ts";
import { telegramName } from "../../store/accounts.ts";
import {
  checkFeedback,
  FEEDBACK_FIELDS,
  FEEDBACK_LIMITS,
  type FeedbackField,
  type FeedbackInput,
  type FeedbackProblem,
  type FeedbackValues,
} from "../../feedback/service.ts";
import type { RouteDeps } from "../app.ts";
import { feedbackApi } from "../api/feedback.ts";
import { RateLimiter } from "../rate-limit.ts";
import { htmlResponse, redirectAfterPost } from "../respond.ts";
import type { Visit } from "../visit.ts";

/** Messages one client address may send per hour, by the form and the API together. */
export const FEEDBACK_PER_HOUR = 5;

// Loose on purpose: a too long or missing field must come back to the form with its own
// message and the sender's text kept, not as a bare validation error. The body limit bounds it.
const text = t.Optional(t.String());
const FeedbackFormBody = t.Object({ name: text, email: text, subject: text, message: text, _csrf: t.Optional(t.String({ maxLength: 128 })) });

/** The sentence for one field's problem, in the visitor's language. */
function problemText(translate: Translate, field: FeedbackField, problem: FeedbackProblem): string {
  switch (problem.kind) {
    case "required":
      return translate(`feedback.error.${field}.required`);
    case "too_long":
      return translate("feedback.error.too_long", { max: problem.max, length: problem.length });
    case "email_invalid":
      return translate("feedback.error.email.invalid");
  }
}

/** The stable code of one field's problem, e.g. feedback.name_too_long or feedback.email_invalid. */
function problemCode(field: FeedbackField, problem: FeedbackProblem): string {
  return problem.kind === "email_invalid" ? "feedback.email_invalid" : `feedback.${field}_${problem.kind}`;
}

/** What a submission came to: stored, refused for its fields, or refused for sending too often. */
export type Submission =
  | { kind: "sent"; id: number; createdAt: number }
  | { kind: "invalid"; errors: Partial<Record<FeedbackField, { code: string; message: string }>> }
  | { kind: "rate_limited"; waitSeconds: number; message: string };

/**
 * Checks and stores one message for this visit. Only messages that pass the checks count
 * towards the limit, so a sender fixing a typo is never locked out by their own mistakes.
 */
function submitter(deps: RouteDeps) {
  const limiter = new RateLimiter(FEEDBACK_PER_HOUR, 60 * 60_000, deps.now);
  return (visit: Visit, input: FeedbackInput): Submission => {
    const check = checkFeedback(input);
    if (!check.ok) {
      const errors: Extract<Submission, { kind: "invalid" }>["errors"] = {};
      for (const field of FEEDBACK_FIELDS) {
        const problem = check.problems[field];
        if (problem) errors[field] = { code: problemCode(field, problem), message: problemText(visit.t, field, problem) };
      }
      return { kind: "invalid", errors };
    }
    const waitSeconds = limiter.hit(visit.clientAddress);
    if (waitSeconds > 0) {
      return { kind: "rate_limited", waitSeconds, message: visit.t("feedback.rate_limited", { minutes: Math.ceil(waitSeconds / 60) }) };
    }
    return { kind: "sent", ...deps.feedback.submit(check.values, visit.session?.account.id ?? null) };
  };
}

/** The feedback form at /feedback and POST /api/v1/feedback, sharing one rate limit. */
export function feedbackRoutes(deps: RouteDeps) {
  const { visits } = deps;
  const submit = submitter(deps);

  const blank = (visit: Visit): FeedbackValues => {
    const account = visit.session?.account;
    const name = account ? telegramName(account) : "";
    return { name, email: "", subject: "", message: "" };
  };
  const formAnswer = (visit: Visit, state: FeedbackFormState, status: number) => {
    const ctx = visit.pageContext();
    const form = feedbackForm(ctx, state);
    return htmlResponse(visit.isHtmx ? form : feedbackPage(ctx, form), status);
  };

  return new Elysia({ name: "feedback" })
    .get("/feedback", ({ request }) => {
      const visit = visits.of(request);
      return formAnswer(visit, { values: blank(visit), limits: FEEDBACK_LIMITS, errors: {} }, 200);
    })
    .get("/feedback/sent", ({ request }) => {
      const ctx = visits.of(request).pageContext();
      return htmlResponse(feedbackPage(ctx, feedbackSent(ctx)));
    })
    .post(
      "/feedback",
      ({ request, body }) => {
        const visit = visits.of(request);
        const result = submit(visit, body);
        // Re-shown as typed, so the sender fixes a field instead of writing it all again.
        const values = { name: body.name ?? "", email: body.email ?? "", subject: body.subject ?? "", message: body.message ?? "" };
        switch (result.kind) {
          case "sent":
            if (visit.isHtmx) return htmlResponse(feedbackSent(visit.pageContext()));
            return redirectAfterPost("/feedback/sent", false);
          case "invalid": {
            const errors = Object.fromEntries(Object.entries(result.errors).map(([field, e]) => [field, e.message]));
            return formAnswer(visit, { values, limits: FEEDBACK_LIMITS, errors, alert: visit.t("feedback.invalid") }, 400);
          }
          case "rate_limited":
            return formAnswer(visit, { values, limits: FEEDBACK_LIMITS, errors: {}, alert: result.message }, 429);
        }
      },
      { body: FeedbackFormBody },
    )
    .use(feedbackApi(deps, submit));
}

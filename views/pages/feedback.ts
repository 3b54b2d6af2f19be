import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import type { MessageKey } from "../i18n/index.ts";
import { layout } from "../layout.ts";

type Field = "name" | "email" | "subject" | "message";

/** What the feedback form shows: the values to keep, a message per bad field, a note on top. */
export interface FeedbackFormState {
  values: Record<Field, string>;
  /** Longest value of each field (the server's own limits). */
  limits: Record<Field, number>;
  /** Already in the visitor's language. */
  errors: Partial<Record<Field, string>>;
  /** Why nothing was sent (bad fields, too many messages), or nothing. */
  alert?: string;
}

const LABELS: Record<Field, MessageKey> = {
  name: "feedback.name",
  email: "feedback.email",
  subject: "feedback.subject",
  message: "feedback.message",
};
const AUTOCOMPLETE: Record<Field, string> = { name: "name", email: "email", subject: "off", message: "off" };

/** The form alone; htmx swaps it for itself with errors, or for the confirmation. */
export function feedbackForm(ctx: PageContext, state: FeedbackFormState): SafeHtml {
  const { t } = ctx;
  const field = (name: Field) => {
    const error = state.errors[name];
    const describedBy = error ? `feedback-${name}-error` : `feedback-${name}-limit`;
    const attrs = html`id="feedback-${name}" name="${name}" maxlength="${state.limits[name]}" required autocomplete="${AUTOCOMPLETE[name]}" aria-describedby="${describedBy}"${error ? html` aria-invalid="true"` : ""}`;
    const input =
      name === "message"
        ? html`<textarea ${attrs} rows="8">${state.values.message}</textarea>`
        : html`<input ${attrs} type="${name === "email" ? "email" : "text"}" value="${state.values[name]}">`;
    return html`<label for="feedback-${name}">${t(LABELS[name])}
    ${input}
    ${
      error
        ? html`<span class="field-error" id="feedback-${name}-error">${error}</span>`
        : html`<span class="hint" id="feedback-${name}-limit">${t("feedback.limit", { max: state.limits[name] })}</span>`
    }
  </label>`;
  };
  return html`<form id="feedback" method="post" action="/feedback" class="stack card narrow" hx-post="/feedback" hx-target="this" hx-swap="outerHTML">
  <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
  ${state.alert ? html`<p class="alert error" role="alert">${state.alert}</p>` : ""}
  ${field("name")}
  ${field("email")}
  ${field("subject")}
  ${field("message")}
  <button type="submit" class="button primary">${t("feedback.submit")}</button>
</form>`;
}

/** The confirmation the sender sees once the message is stored. */
export function feedbackSent(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return html`<section id="feedback" class="card narrow" role="status">
  <h2>${t("feedback.sent.title")}</h2>
  <p class="alert success">${t("feedback.sent.body")}</p>
  <p><a href="/feedback">${t("feedback.sent.again")}</a></p>
</section>`;
}

/** The feedback page around the form (or, after a plain post, the confirmation). */
export function feedbackPage(ctx: PageContext, content: SafeHtml): SafeHtml {
  const { t } = ctx;
  const [before, after] = t("feedback.privacy").split("{privacy}");
  return layout(ctx, {
    title: t("feedback.title"),
    body: html`<h1>${t("feedback.title")}</h1>
<p>${t("feedback.lead")}</p>
<p class="hint">${before}<a href="/privacy">${t("feedback.privacy.link")}</a>${after}</p>
${content}`,
  });
}

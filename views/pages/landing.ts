import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";

/** The front page: what youmeet is and the way in. */
export function landingPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t("app.tagline"),
    body: html`<section class="hero">
  <h1>${t("landing.title")}</h1>
  <p class="lead">${t("landing.lead")}</p>
  <ul class="points">
    <li>${t("landing.point.private")}</li>
    <li>${t("landing.point.yours")}</li>
    <li>${t("landing.point.simple")}</li>
  </ul>
  <p>${
    ctx.viewer
      ? html`<a class="button primary" href="/dashboard">${t("landing.go_dashboard")}</a>`
      : html`<a class="button primary" href="/login">${t("landing.cta")}</a>`
  }</p>
</section>`,
  });
}

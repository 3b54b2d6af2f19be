import type { PageContext } from "./context.ts";
import { html, type SafeHtml } from "./html.ts";

/** Asks a logged-in person to accept a new privacy policy version, on every page until they do. */
export function policyBanner(ctx: PageContext): SafeHtml {
  if (!ctx.policyUpdate) return html``;
  const { t } = ctx;
  return html`<aside class="alert info policy-banner" role="status">
  <p>${t("policy.banner", { version: ctx.policyUpdate })} <a href="/privacy">${t("policy.banner.read")}</a></p>
  <form method="post" action="/privacy/accept" class="inline">
    <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
    <input type="hidden" name="version" value="${ctx.policyUpdate}">
    <button type="submit" class="button primary">${t("policy.banner.accept")}</button>
  </form>
</aside>`;
}

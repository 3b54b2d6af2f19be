import type { Usage } from "../../src/plans/service.ts";
import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";

/** The dashboard's plan card: the plan's limits and what was used of them this month. */
export function planSection(ctx: PageContext, usage: Usage): SafeHtml {
  const { t } = ctx;
  const utc = { timeZone: "UTC" } as const;
  const month = new Date(`${usage.month}-01T00:00:00Z`).toLocaleDateString(ctx.lang, { ...utc, month: "long", year: "numeric" });
  const reset = new Date(usage.resetsAt).toLocaleDateString(ctx.lang, { ...utc, day: "numeric", month: "long", year: "numeric" });
  const usedOf = (figure: { used: number; limit: number | null }) =>
    figure.limit === null ? t("plan.used_unlimited", { used: figure.used }) : t("plan.used_of", { used: figure.used, limit: figure.limit });
  const row = (name: string, label: string, value: string) =>
    html`<div data-usage="${name}"><dt>${label}</dt><dd>${value}</dd></div>`;
  return html`<section class="card plan" id="plan">
  <h2>${t("plan.title", { plan: usage.plan })}</h2>
  <dl class="usage">
    ${row("rooms", t("plan.rooms"), usedOf(usage.rooms))}
    ${row("minutes", t("plan.minutes"), usedOf(usage.minutes))}
    ${row("participants", t("plan.participants"), t("plan.up_to", { n: usage.participantsPerRoom }))}
    ${row("screen-share", t("plan.screen_share"), usage.screenShare ? t("plan.included") : t("plan.not_included"))}
  </dl>
  <p class="hint">${t("plan.month", { month, reset })} ${t("plan.hint")}</p>
</section>`;
}

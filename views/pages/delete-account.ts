import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { tableTitle } from "./my-data.ts";

/** What the confirmation names: the account, and how many rows of each table go with it. */
export interface DeletionSummary {
  youmeetId: string;
  counts: Record<string, number>;
  /** Tables whose rows stay, no longer linked to the account. */
  unlinked: string[];
  /** True when the user is withdrawing consent (the same deletion, explained as such). */
  withdraw: boolean;
}

function countLine(ctx: PageContext, table: string, n: number, unlinked: boolean): string {
  if (unlinked) return ctx.t("mydata.confirm.count.unlinked", { n, table: tableTitle(table) });
  if (table === "sessions") return ctx.t("mydata.confirm.count.sessions", { n });
  if (table === "rooms") return ctx.t("mydata.confirm.count.rooms", { n });
  return ctx.t("mydata.confirm.count.other", { n, table: tableTitle(table) });
}

/** The confirmation before deleting an account: names what will go, then one button. */
export function deleteConfirmPage(ctx: PageContext, summary: DeletionSummary): SafeHtml {
  const { t } = ctx;
  const title = summary.withdraw ? t("mydata.confirm.withdraw_title") : t("mydata.confirm.title");
  // Sessions and rooms first (people know them), then the other tables by name.
  const first = ["sessions", "rooms"];
  const rank = (table: string) => (first.includes(table) ? first.indexOf(table) : first.length);
  const counted = Object.entries(summary.counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  return layout(ctx, {
    title,
    body: html`<section class="card narrow" id="confirm-delete">
  <h1>${title}</h1>
  ${summary.withdraw ? html`<p>${t("mydata.consent.withdraw.body")}</p>` : ""}
  <p>${t("mydata.confirm.lead")}</p>
  <ul>
    <li>${t("mydata.confirm.account", { id: summary.youmeetId })}</li>
    ${counted.map(([table, n]) => html`<li data-count="${table}">${countLine(ctx, table, n, summary.unlinked.includes(table))}</li>`)}
  </ul>
  <p>${t("mydata.confirm.calls")}</p>
  <p><a href="/api/v1/me/export" download>${t("mydata.confirm.export")}</a></p>
  <form method="post" action="/my-data/delete" class="stack">
    <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
    <input type="hidden" name="confirm" value="yes">
    <input type="hidden" name="reason" value="${summary.withdraw ? "withdraw" : "delete"}">
    <button type="submit" class="button danger">${t("mydata.confirm.submit")}</button>
    <a class="button" href="/my-data">${t("mydata.confirm.cancel")}</a>
  </form>
</section>`,
  });
}

/** After the deletion: the account is gone and the visitor is logged out. */
export function accountDeletedPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t("mydata.deleted.title"),
    body: html`<section class="card narrow" id="account-deleted">
  <h1>${t("mydata.deleted.title")}</h1>
  <p>${t("mydata.deleted.body")}</p>
  <p><a class="button" href="/">${t("error.home")}</a></p>
</section>`,
  });
}

import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { planSection } from "./plan.ts";
import { roomsSection, type RoomItem } from "./rooms.ts";
import type { Usage } from "../../src/plans/service.ts";

/** What the dashboard shows about the logged-in person. */
export interface DashboardData {
  /** The name others see: the display name chosen, else Telegram's first name. */
  name: string;
  firstName: string;
  lastName: string | null;
  username: string | null;
  photoUrl: string | null;
  youmeetId: string;
  createdAt: number;
}

/** The logged-in home: who you are, your youmeet ID, your rooms, your contacts, and your plan with this month's usage. */
export function dashboardPage(ctx: PageContext, me: DashboardData, rooms: RoomItem[], usage: Usage, contacts: SafeHtml | string = ""): SafeHtml {
  const { t } = ctx;
  const fullName = [me.firstName, me.lastName].filter(Boolean).join(" ");
  const since = new Date(me.createdAt).toLocaleDateString(ctx.lang, { year: "numeric", month: "long", day: "numeric" });
  return layout(ctx, {
    title: t("dashboard.title"),
    body: html`<section class="card profile">
  ${me.photoUrl ? html`<img class="avatar" src="${me.photoUrl}" alt="" width="64" height="64" referrerpolicy="no-referrer">` : html`<span class="avatar initial" aria-hidden="true">${fullName.slice(0, 1).toUpperCase()}</span>`}
  <div>
    <h1>${t("dashboard.hello", { name: me.name })}</h1>
    <p class="muted">${fullName}${me.username ? html` · ${t("dashboard.telegram")} @${me.username}` : ""}</p>
    <p class="muted">${t("dashboard.member_since", { date: since })}</p>
  </div>
</section>
<section class="card">
  <h2>${t("dashboard.your_id")}</h2>
  <p class="youmeet-id"><code id="youmeet-id">${me.youmeetId}</code>
    <button type="button" class="button" data-copy="#youmeet-id" data-copied-label="${t("dashboard.copied")}">${t("dashboard.copy")}</button></p>
  <p class="hint">${t("dashboard.id_hint")}</p>
</section>
${roomsSection(ctx, rooms)}
${contacts}
${planSection(ctx, usage)}
<p class="card"><a href="/my-data">${t("mydata.link")}</a>: ${t("mydata.link.hint")}</p>`,
  });
}

import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";

/** A room as the owner's dashboard lists it. */
export interface RoomItem {
  id: string;
  name: string | null;
  allowGuests: boolean;
  createdAt: number;
  /** Names of the people in its call now. */
  live: string[];
  url: string;
}

/** The dashboard's rooms section: the create form and the list. */
export function roomsSection(ctx: PageContext, rooms: RoomItem[], error?: string): SafeHtml {
  const { t } = ctx;
  return html`<section id="rooms" class="card">
  <h2>${t("rooms.title")}</h2>
  <form method="post" action="/rooms" class="create-room" hx-post="/rooms" hx-target="#rooms" hx-swap="outerHTML">
    <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
    <label>${t("rooms.create.name")}
      <input name="name" maxlength="80" placeholder="${t("rooms.create.placeholder")}" autocomplete="off">
    </label>
    <button type="submit" class="button primary">${t("rooms.create.submit")}</button>
  </form>
  ${error ? html`<p class="alert error" role="alert">${error}</p>` : ""}
  ${roomList(ctx, rooms)}
</section>`;
}

/** The list alone: htmx refreshes it every few seconds to show who is live. */
export function roomList(ctx: PageContext, rooms: RoomItem[]): SafeHtml {
  const { t } = ctx;
  return html`<div id="room-list" hx-get="/rooms/list" hx-trigger="every 10s" hx-swap="outerHTML">
  ${rooms.length === 0 ? html`<p class="hint">${t("rooms.empty")}</p>` : html`<ul class="rooms">${rooms.map((room) => roomRow(ctx, room))}</ul>`}
</div>`;
}

function roomRow(ctx: PageContext, room: RoomItem): SafeHtml {
  const { t } = ctx;
  const created = new Date(room.createdAt).toLocaleDateString(ctx.lang, { year: "numeric", month: "short", day: "numeric" });
  const action = (path: string, label: string, extra: SafeHtml | string = "") =>
    html`<form method="post" action="/rooms/${room.id}/${path}" hx-post="/rooms/${room.id}/${path}" hx-target="#rooms" hx-swap="outerHTML"${extra}>
      <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
      <button type="submit" class="button small">${label}</button>
    </form>`;
  return html`<li class="room" data-room-id="${room.id}">
  <div class="room-main">
    <a class="room-name" href="/r/${room.id}">${room.name ?? t("rooms.untitled")}</a>
    <p class="room-link"><code id="link-${room.id}">${room.url}</code></p>
    <p class="hint">${t("rooms.created", { date: created })} · ${room.allowGuests ? t("rooms.guests.on") : t("rooms.guests.off")}</p>
    <p class="${room.live.length > 0 ? "live" : "hint"}">${room.live.length > 0 ? t("rooms.live", { names: room.live.join(", ") }) : t("rooms.idle")}</p>
  </div>
  <div class="room-actions">
    <a class="button small primary" href="/r/${room.id}">${t("rooms.open")}</a>
    <button type="button" class="button small" data-copy="#link-${room.id}" data-copied-label="${t("rooms.copied")}">${t("rooms.copy")}</button>
    ${action("guests", room.allowGuests ? t("rooms.guests.forbid") : t("rooms.guests.allow"))}
    ${action("delete", t("rooms.delete"), html` hx-confirm="${t("rooms.delete.confirm")}" class="delete-room"`)}
  </div>
</li>`;
}

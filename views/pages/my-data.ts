import type { DeviceDescription } from "../../src/privacy/device.ts";
import type { ExportRow, ExportValue } from "../../src/store/account-data.ts";
import type { PageContext } from "../context.ts";
import { fillHtml, html, type SafeHtml } from "../html.ts";
import type { MessageKey } from "../i18n/index.ts";
import { myDataEn } from "../i18n/my-data.ts";
import { layout } from "../layout.ts";

/** Tables with a section of their own; every other table about the user gets a generic one. */
const OWN_SECTIONS = new Set(["sessions", "rooms"]);

/** What the "My data" page shows: the export itself, plus what it needs to act on sessions. */
export interface MyDataView {
  data: { account: ExportRow; tables: Record<string, ExportRow[]>; withheld: Record<string, Record<string, string>> };
  sessions: Array<DeviceDescription & { handle: string; userAgent: string | null; createdAt: number; lastUsedAt: number; current: boolean }>;
  publicUrl: string;
  policyVersion: string;
  /** A line confirming what was just done (a session logged out). */
  notice?: string;
}

/** A key of this page's texts, if the dictionary has one for `key`. */
function knownKey(key: string): MessageKey | null {
  return key in myDataEn ? (key as MessageKey) : null;
}

/** "room_invites" -> "Room invites": a readable heading for a table that has no text of its own yet. */
export function tableTitle(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A date and time in the reader's language; the server's clock is UTC, so say so. */
export function when(ctx: PageContext, ms: number): string {
  return `${new Date(ms).toLocaleString(ctx.lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

/** One stored value as text: times (columns ending in _at) as dates, empty as "not set". */
function valueText(ctx: PageContext, column: string, value: ExportValue): string {
  if (value === null || value === "") return ctx.t("mydata.none");
  if (typeof value === "number" && column.endsWith("_at")) return when(ctx, value);
  return String(value);
}

function accountSection(ctx: PageContext, account: ExportRow): SafeHtml {
  const { t } = ctx;
  const settings = html`<a href="/settings">${t("mydata.account.settings")}</a>`;
  return html`<section class="card" id="account">
  <h2>${t("mydata.account.title")}</h2>
  <dl class="fields">
    ${Object.entries(account).map(([column, value]) => {
      const key = knownKey(`mydata.field.${column}`);
      return html`<dt>${key ? t(key) : column}</dt><dd data-field="${column}">${valueText(ctx, column, value)}</dd>`;
    })}
  </dl>
  <p class="hint">${fillHtml(t("mydata.account.correct"), { settings })}</p>
</section>`;
}

function consentSection(ctx: PageContext, view: MyDataView): SafeHtml {
  const { t } = ctx;
  const version = view.data.account.consent_version;
  const at = view.data.account.consent_at;
  const privacy = html`<a href="/privacy">${t("mydata.consent.privacy")}</a>`;
  const given =
    typeof version === "string" && typeof at === "number"
      ? fillHtml(t("mydata.consent.given", { version, date: when(ctx, at) }), { privacy })
      : fillHtml(t("mydata.consent.missing", { version: view.policyVersion }), { privacy });
  return html`<section class="card" id="consent">
  <h2>${t("mydata.consent.title")}</h2>
  <p>${given}</p>
  <p class="hint">${t("mydata.consent.withdraw.body")}</p>
  <p><a class="button danger" href="/my-data/delete?withdraw=1">${t("mydata.consent.withdraw")}</a></p>
</section>`;
}

/** A session's device in plain words: "Firefox on Linux", or as much as the browser told. */
export function deviceText(ctx: PageContext, device: DeviceDescription): string {
  if (device.browser && device.os) return ctx.t("mydata.device", { browser: device.browser, os: device.os });
  return device.browser ?? device.os ?? ctx.t("mydata.device.unknown");
}

function sessionsSection(ctx: PageContext, view: MyDataView): SafeHtml {
  const { t } = ctx;
  return html`<section class="card" id="sessions">
  <h2>${t("mydata.sessions.title")}</h2>
  <table>
    <thead><tr><th>${t("mydata.sessions.device")}</th><th>${t("mydata.sessions.created")}</th><th>${t("mydata.sessions.last_seen")}</th><th></th></tr></thead>
    <tbody>
    ${view.sessions.map(
      (session) => html`<tr data-session="${session.handle}">
      <td title="${session.userAgent ?? ""}">${deviceText(ctx, session)}${session.current ? html` <strong>(${t("mydata.sessions.current")})</strong>` : ""}</td>
      <td>${when(ctx, session.createdAt)}</td>
      <td>${when(ctx, session.lastUsedAt)}</td>
      <td><form method="post" action="/my-data/sessions/${session.handle}/logout" class="inline">
        <input type="hidden" name="_csrf" value="${ctx.csrfToken}">
        <button type="submit" class="button">${t("mydata.sessions.logout")}</button>
      </form></td>
    </tr>`,
    )}
    </tbody>
  </table>
  <p class="hint">${t("mydata.sessions.hint")}</p>
</section>`;
}

function roomsSection(ctx: PageContext, view: MyDataView): SafeHtml {
  const { t } = ctx;
  const rooms = view.data.tables.rooms ?? [];
  return html`<section class="card" id="rooms">
  <h2>${t("mydata.rooms.title")}</h2>
  ${
    rooms.length === 0
      ? html`<p>${t("mydata.rooms.empty")}</p>`
      : html`<table>
    <thead><tr><th>${t("mydata.rooms.name")}</th><th>${t("mydata.rooms.link")}</th><th>${t("mydata.rooms.created")}</th><th>${t("mydata.rooms.guests")}</th></tr></thead>
    <tbody>
    ${rooms.map((room) => {
      const url = `${view.publicUrl}/r/${String(room.id)}`;
      return html`<tr><td>${valueText(ctx, "name", room.name ?? null)}</td><td><a href="${url}">${url}</a></td>
      <td>${valueText(ctx, "created_at", room.created_at ?? null)}</td><td>${room.allow_guests === 1 ? t("mydata.yes") : t("mydata.no")}</td></tr>`;
    })}
    </tbody>
  </table>`
  }
</section>`;
}

/** Any other table about the user (contacts, plan, usage, ...), shown as stored: column by column. */
function tableSection(ctx: PageContext, name: string, rows: ExportRow[]): SafeHtml {
  const { t } = ctx;
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  return html`<section class="card" id="table-${name}" data-table="${name}">
  <h2>${tableTitle(name)}</h2>
  ${
    rows.length === 0
      ? html`<p>${t("mydata.table.empty")}</p>`
      : html`<p class="hint">${t("mydata.table.rows", { n: rows.length })}</p>
  <table>
    <thead><tr>${columns.map((column) => html`<th>${column}</th>`)}</tr></thead>
    <tbody>${rows.map((row) => html`<tr>${columns.map((column) => html`<td>${valueText(ctx, column, row[column] ?? null)}</td>`)}</tr>`)}</tbody>
  </table>`
  }
</section>`;
}

function withheldSection(ctx: PageContext, withheld: MyDataView["data"]["withheld"]): SafeHtml {
  const entries = Object.entries(withheld).flatMap(([table, columns]) => Object.entries(columns).map(([column, why]) => ({ table, column, why })));
  if (entries.length === 0) return html``;
  return html`<section class="card" id="withheld">
  <h2>${ctx.t("mydata.withheld.title")}</h2>
  <ul>${entries.map((e) => {
    const key = knownKey(`mydata.withheld.${e.table}.${e.column}`);
    return html`<li><code>${e.table}.${e.column}</code>: ${key ? ctx.t(key) : e.why}</li>`;
  })}</ul>
</section>`;
}

/** The "My data" page: everything stored about the user, its download, and the rights over it. */
export function myDataPage(ctx: PageContext, view: MyDataView): SafeHtml {
  const { t } = ctx;
  const others = Object.entries(view.data.tables).filter(([name]) => !OWN_SECTIONS.has(name));
  return layout(ctx, {
    title: t("mydata.title"),
    body: html`<h1>${t("mydata.title")}</h1>
${view.notice ? html`<p class="alert success" role="status">${view.notice}</p>` : ""}
<section class="card">
  <p>${t("mydata.lead")}</p>
  <p><a class="button primary" href="/api/v1/me/export" download>${t("mydata.download")}</a></p>
  <p class="hint">${t("mydata.download.hint")}</p>
</section>
${accountSection(ctx, view.data.account)}
${consentSection(ctx, view)}
${sessionsSection(ctx, view)}
${roomsSection(ctx, view)}
${others.map(([name, rows]) => tableSection(ctx, name, rows))}
${withheldSection(ctx, view.data.withheld)}
<section class="card" id="delete">
  <h2>${t("mydata.delete.title")}</h2>
  <p>${t("mydata.delete.body")}</p>
  <p><a class="button danger" href="/my-data/delete">${t("mydata.delete.button")}</a></p>
</section>`,
  });
}

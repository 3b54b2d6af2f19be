import type { PageContext } from "../context.ts";
import { html, trustedHtml, type SafeHtml } from "../html.ts";
import type { MessageKey } from "../i18n/index.ts";
import { layout } from "../layout.ts";

/** What the room page needs: the room, who is looking (null: not logged in), guest policy. */
export interface RoomPageData {
  room: { id: string; name: string | null; ownerName: string };
  viewer: { name: string; isOwner: boolean } | null;
  guestsAllowed: boolean;
}

/**
 * Texts the meeting script builds into the page at run time (tiles, banners, lists). They go
 * to the script in one data attribute, so every word on the page still comes from i18n.
 */
const SCRIPT_TEXTS = [
  "room.you",
  "room.device.default",
  "room.device.none",
  "room.device.unnamed",
  "room.device.camera",
  "room.device.microphone",
  "room.device.speaker",
  "room.join.working",
  "room.join.submit",
  "room.guest.submit",
  "room.guest.invalid",
  "room.guest.failed",
  "room.permission.denied",
  "room.permission.none",
  "room.permission.camera_failed",
  "room.mark.muted",
  "room.mark.muted_by_owner",
  "room.mark.camera_off",
  "room.mark.speaking",
  "room.quality.good",
  "room.quality.fair",
  "room.quality.poor",
  "room.quality.unknown",
  "room.screen.of",
  "room.screen.yours",
  "room.screen.failed",
  "room.people.count",
  "room.role.owner",
  "room.role.guest",
  "room.owner.mute",
  "room.owner.remove",
  "room.owner.remove_confirm",
  "room.owner.lock",
  "room.owner.unlock",
  "room.owner.locked",
  "room.owner.unlocked",
  "room.owner.end_confirm",
  "room.event.joined",
  "room.event.left",
  "room.banner.media_warning",
  "room.banner.ended_deleted",
  "room.banner.refused",
  // Refusals the server explains with values (vars), said in the page's language.
  "error.plan.participants_limit",
  "error.plan.screen_share_not_allowed",
  "error.plan.minutes_used_up",
  "error.plan.minutes_low",
] as const satisfies readonly MessageKey[];

/** Small line icons for the call controls (our own markup, no user data). */
const ICONS = {
  mic: '<path d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3"/>',
  micOff: '<path d="M9 9v3a3 3 0 0 0 5.1 2.1M15 10V6a3 3 0 0 0-5.7-1.3"/><path d="M5 11a7 7 0 0 0 11.7 5.2M19 11a7 7 0 0 1-.7 3M12 18v3M3 3l18 18"/>',
  camera: '<rect x="3" y="6" width="13" height="12" rx="2"/><path d="M16 10l5-3v10l-5-3z"/>',
  cameraOff: '<path d="M16 16v0a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h2m4 0h3a2 2 0 0 1 2 2v3l5-3v10"/><path d="M3 3l18 18"/>',
  screen: '<rect x="3" y="4" width="18" height="12" rx="2"/><path d="M8 20h8M12 16v4M12 13V7M9 10l3-3 3 3"/>',
  chat: '<path d="M4 5h16v11H9l-5 4z"/>',
  people: '<circle cx="9" cy="8" r="3"/><path d="M3 20a6 6 0 0 1 12 0"/><circle cx="17" cy="9" r="2.5"/><path d="M15.5 14.5A5 5 0 0 1 21 20"/>',
  leave: '<path d="M3 14c5-5 13-5 18 0l-3 3-3-2v-3a9 9 0 0 0-6 0v3l-3 2z"/>',
} as const;

function icon(name: keyof typeof ICONS, extraClass = ""): SafeHtml {
  return trustedHtml(
    `<svg class="icon ${extraClass}" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${ICONS[name]}</svg>`,
  );
}

/** The meeting page: pre-join (preview, devices, guest name) and the call itself. */
export function roomPage(ctx: PageContext, data: RoomPageData): SafeHtml {
  const { t } = ctx;
  const title = data.room.name ?? t("room.untitled", { owner: data.room.ownerName });
  const texts: Record<string, string> = {};
  for (const key of SCRIPT_TEXTS) texts[key] = t(key);
  const canJoin = data.viewer !== null || data.guestsAllowed;
  const body = html`<div class="meeting" id="meeting" data-phase="prejoin"
  data-room-id="${data.room.id}"
  data-is-owner="${data.viewer?.isOwner ? "true" : "false"}"
  data-viewer-name="${data.viewer?.name ?? ""}"
  data-logged-in="${data.viewer ? "true" : "false"}"
  data-guests-allowed="${data.guestsAllowed ? "true" : "false"}"
  data-texts="${JSON.stringify(texts)}">
${banners(ctx)}
${prejoin(ctx, data, title, canJoin)}
${call(ctx, data, title)}
${templates(ctx, data)}
</div>`;
  return layout(ctx, {
    title,
    body,
    head: html`<link rel="stylesheet" href="/static/meeting.css">
<script src="/static/meeting.js" type="module"></script>`,
  });
}

function banners(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  const banner = (name: string, kind: "warn" | "error" | "info", text: SafeHtml | string, actions: SafeHtml | string = "") =>
    html`<div class="banner ${kind}" data-banner="${name}" role="${kind === "info" ? "status" : "alert"}" hidden>
    <p data-banner-text>${text}</p>${actions}
  </div>`;
  const rejoin = html`<div class="banner-actions"><button type="button" class="button primary" data-action="rejoin">${t("room.rejoin")}</button>
    <a class="button" href="/dashboard">${t("room.home")}</a></div>`;
  const dismiss = html`<div class="banner-actions"><button type="button" class="button" data-action="dismiss">${t("room.banner.dismiss")}</button></div>`;
  return html`<div class="banners" id="banners" aria-live="polite">
  ${banner("reconnecting", "warn", html`<span class="spinner" aria-hidden="true"></span> ${t("room.banner.reconnecting")}`)}
  ${banner("media-ports", "error", t("room.banner.media_ports"), dismiss)}
  ${banner("media-warning", "error", "", dismiss)}
  ${banner("muted-by-owner", "info", t("room.banner.muted_by_owner"), dismiss)}
  ${banner("removed", "error", t("room.banner.removed"), html`<div class="banner-actions"><a class="button" href="/dashboard">${t("room.home")}</a></div>`)}
  ${banner("ended", "info", t("room.banner.ended"), html`<div class="banner-actions"><a class="button" href="/dashboard">${t("room.home")}</a></div>`)}
  ${banner("locked", "error", t("room.banner.locked"), rejoin)}
  ${banner("full", "error", t("room.banner.full"), rejoin)}
  ${banner("not-found", "error", t("room.banner.not_found"), html`<div class="banner-actions"><a class="button" href="/dashboard">${t("room.home")}</a></div>`)}
  ${banner("refused", "error", "", rejoin)}
  ${banner("replaced", "info", t("room.banner.replaced"), rejoin)}
  ${banner("connect-failed", "error", t("room.banner.connect_failed"), rejoin)}
  ${banner("left", "info", t("room.banner.left"), rejoin)}
</div>`;
}

function prejoin(ctx: PageContext, data: RoomPageData, title: string, canJoin: boolean): SafeHtml {
  const { t } = ctx;
  return html`<section class="prejoin card" id="prejoin" aria-labelledby="room-title">
  <h1 id="room-title">${title}</h1>
  <p class="muted">${t("room.host", { name: data.room.ownerName })}</p>
  <div class="alert error" data-unsupported hidden role="alert">
    <h2>${t("room.unsupported.title")}</h2>
    <p>${t("room.unsupported.body")}</p>
  </div>
  ${canJoin ? joinForm(ctx, data) : guestsOff(ctx)}
</section>`;
}

function guestsOff(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return html`<div class="alert info" data-guests-off>
  <h2>${t("room.guests_off.title")}</h2>
  <p>${t("room.guests_off.body")}</p>
  <p><a class="button primary" href="/login">${t("room.guests_off.login")}</a></p>
</div>`;
}

function joinForm(ctx: PageContext, data: RoomPageData): SafeHtml {
  const { t } = ctx;
  const guest = data.viewer === null;
  return html`<div class="prejoin-grid" data-prejoin-body>
  <div class="preview">
    <div class="preview-frame">
      <video id="preview-video" autoplay muted playsinline aria-label="${t("room.preview.label")}"></video>
      <p class="preview-off" id="preview-off">${t("room.preview.off")}</p>
    </div>
    <label class="level">${t("room.mic_level")}
      <meter id="mic-level" min="0" max="1" low="0.15" high="0.7" optimum="0.4" value="0"></meter>
    </label>
  </div>
  <form id="join-form" class="stack" novalidate>
    <p class="alert info" id="permission-note" role="status" hidden></p>
    <label>${t("room.device.camera")}
      <select id="camera-select" data-device-kind="videoinput"><option value="">${t("room.device.default")}</option></select>
    </label>
    <label>${t("room.device.microphone")}
      <select id="microphone-select" data-device-kind="audioinput"><option value="">${t("room.device.default")}</option></select>
    </label>
    <label id="speaker-field">${t("room.device.speaker")}
      <select id="speaker-select" data-device-kind="audiooutput"><option value="">${t("room.device.default")}</option></select>
    </label>
    <label class="toggle"><input type="checkbox" id="join-camera" checked> ${t("room.join.camera")}</label>
    <label class="toggle"><input type="checkbox" id="join-microphone" checked> ${t("room.join.microphone")}</label>
    ${
      guest
        ? html`<label>${t("room.guest.name")}
      <input id="guest-name" name="name" required minlength="1" maxlength="64" autocomplete="nickname" aria-describedby="guest-hint">
    </label>
    <p class="hint" id="guest-hint">${t("room.guest.hint")}</p>`
        : html`<p class="hint">${t("room.prejoin.as", { name: data.viewer!.name })}</p>`
    }
    <p class="alert error" id="join-error" role="alert" hidden></p>
    <button type="submit" class="button primary join-button" id="join-button">${guest ? t("room.guest.submit") : t("room.join.submit")}</button>
    <p class="hint">${t("room.privacy")}</p>
  </form>
</div>`;
}

function call(ctx: PageContext, data: RoomPageData, title: string): SafeHtml {
  const { t } = ctx;
  const isOwner = data.viewer?.isOwner === true;
  return html`<section class="call" id="call" hidden aria-label="${title}">
  <div class="call-main">
    <div class="stage" id="stage" hidden></div>
    <div class="grid" id="grid" data-count="1"></div>
  </div>
  <aside class="panel" id="chat-panel" hidden aria-labelledby="chat-title">
    <header class="panel-head"><h2 id="chat-title">${t("room.chat.title")}</h2>
      <button type="button" class="button close" data-close-panel aria-label="${t("room.panel.close")}">×</button></header>
    <p class="hint">${t("room.chat.note")}</p>
    <ol class="chat-log" id="chat-log" aria-live="polite"><li class="chat-empty hint">${t("room.chat.empty")}</li></ol>
    <form class="chat-form" id="chat-form">
      <label class="visually-hidden" for="chat-input">${t("room.chat.label")}</label>
      <input id="chat-input" name="text" maxlength="2000" autocomplete="off" placeholder="${t("room.chat.label")}">
      <button type="submit" class="button primary">${t("room.chat.send")}</button>
    </form>
  </aside>
  <aside class="panel" id="people-panel" hidden aria-labelledby="people-title">
    <header class="panel-head"><h2 id="people-title">${t("room.people.title")}</h2>
      <button type="button" class="button close" data-close-panel aria-label="${t("room.panel.close")}">×</button></header>
    <p class="hint" id="people-count"></p>
    <ul class="people" id="people-list"></ul>
    ${
      isOwner
        ? html`<div class="owner-controls stack">
      <p class="hint" id="lock-state">${t("room.owner.unlocked")}</p>
      <button type="button" class="button" id="lock-button" aria-pressed="false">${t("room.owner.lock")}</button>
      <button type="button" class="button danger" id="end-button">${t("room.owner.end")}</button>
    </div>`
        : ""
    }
  </aside>
  <nav class="controls" aria-label="${t("room.control.controls")}">
    <button type="button" class="control" id="mic-button" aria-pressed="true" title="${t("room.control.mic")}">${icon("mic", "on")}${icon("micOff", "off")}<span>${t("room.control.mic")}</span></button>
    <button type="button" class="control" id="camera-button" aria-pressed="true" title="${t("room.control.camera")}">${icon("camera", "on")}${icon("cameraOff", "off")}<span>${t("room.control.camera")}</span></button>
    <button type="button" class="control" id="screen-button" aria-pressed="false" title="${t("room.control.screen")}">${icon("screen")}<span>${t("room.control.screen")}</span></button>
    <button type="button" class="control" id="chat-button" aria-expanded="false" aria-controls="chat-panel" title="${t("room.control.chat")}">${icon("chat")}<span>${t("room.control.chat")}</span><b class="badge" id="chat-badge" hidden></b></button>
    <button type="button" class="control" id="people-button" aria-expanded="false" aria-controls="people-panel" title="${t("room.control.people")}">${icon("people")}<span>${t("room.control.people")}</span><b class="badge count" id="people-badge">1</b></button>
    <button type="button" class="control leave" id="leave-button" title="${t("room.control.leave")}">${icon("leave")}<span>${t("room.control.leave")}</span></button>
  </nav>
</section>`;
}

/** Markup the script clones for each participant's tile and list entry. */
function templates(ctx: PageContext, data: RoomPageData): SafeHtml {
  const { t } = ctx;
  const isOwner = data.viewer?.isOwner === true;
  return html`<template id="tile-template">
  <figure class="tile" data-quality="unknown">
    <video autoplay playsinline muted></video>
    <span class="avatar-initial" aria-hidden="true"></span>
    <figcaption>
      <span class="quality" role="img" aria-label="${t("room.quality.unknown")}" title="${t("room.quality.unknown")}"><i></i><i></i><i></i></span>
      <span class="name"></span>
      <span class="mark muted" title="${t("room.mark.muted")}">${icon("micOff")}<span class="visually-hidden">${t("room.mark.muted")}</span></span>
      <span class="mark camera-off" title="${t("room.mark.camera_off")}">${icon("cameraOff")}<span class="visually-hidden">${t("room.mark.camera_off")}</span></span>
    </figcaption>
  </figure>
</template>
<template id="screen-template">
  <figure class="tile screen-tile">
    <video autoplay playsinline muted></video>
    <figcaption><span class="name"></span></figcaption>
  </figure>
</template>
<template id="person-template">
  <li class="person">
    <span class="person-name"></span>
    <span class="person-role hint"></span>
    <span class="mark muted" title="${t("room.mark.muted")}">${icon("micOff")}</span>
    <span class="mark camera-off" title="${t("room.mark.camera_off")}">${icon("cameraOff")}</span>
    ${
      isOwner
        ? html`<span class="person-actions">
      <button type="button" class="button small" data-owner-action="mute">${t("room.owner.mute")}</button>
      <button type="button" class="button small danger" data-owner-action="remove">${t("room.owner.remove")}</button>
    </span>`
        : ""
    }
  </li>
</template>`;
}

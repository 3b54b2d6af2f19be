import type { PageContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import type { Language } from "../i18n/index.ts";
import { layout } from "../layout.ts";

/**
 * Version of the policy text below. Change it whenever the text changes in substance: users
 * who accepted an older version see a banner asking them to accept this one. Operators who
 * publish their own policy set theirs with --privacy-policy-version.
 */
export const PRIVACY_POLICY_VERSION = "2026-12-04";

/** The retention periods the running server applies, and whom to write to. */
export interface PrivacyFacts {
  retentionInactiveDays: number;
  retentionFeedbackDays: number;
  contactEmail: string | null;
  publicUrl: string;
  /** The policy version in force (PRIVACY_POLICY_VERSION unless the operator set another). */
  policyVersion: string;
}

interface PolicyText {
  version: (version: string) => string;
  intro: string;
  keptTitle: string;
  kept: string[];
  neverTitle: string;
  never: string[];
  rightsTitle: string;
  rights: string[];
  retentionTitle: string;
  inactive: (days: number) => string;
  feedback: (days: number) => string;
  sessions: string;
  cookiesTitle: string;
  cookies: string;
  contactTitle: string;
  contact: (email: string | null) => string;
}

const forever = { en: "kept until you delete them", ru: "хранятся, пока вы их не удалите" };

const TEXT: Record<Language, PolicyText> = {
  en: {
    version: (v) => `Version ${v}.`,
    intro: "This youmeet server is run by its operator. This page says what it keeps about you, for how long, and what it never keeps.",
    keptTitle: "What is stored",
    kept: [
      "From Telegram, only what you let Telegram show: your Telegram id, first and last name, @username, profile photo address, interface language, and the region in your language code when there is one.",
      "Your youmeet ID: a random ID of your own (not your Telegram id) that others use to add you as a contact.",
      "The display name you choose, if you choose one (others then see it instead of your Telegram name), and your interface language.",
      "Which version of this privacy policy you accepted, and when: logging in accepts the version in force.",
      "Your login sessions: only a fingerprint (SHA-256) of each session token, the browser's name, and when it was last used.",
      "Your rooms: their id, optional name, whether guests may join, and when you created them. Who is in a call is known only while the call runs.",
      "Feedback you send with the feedback form: the name, email address, subject and message you type, and when you sent it. If you were logged in, it is linked to your account and deleted with it. Your network address is not stored with it.",
    ],
    neverTitle: "What is never stored",
    never: [
      "Audio, video and screen shares are relayed between participants and never recorded. They are encrypted in transit (DTLS-SRTP).",
      "Chat messages are relayed to the people in the call and never written to disk or logs; they are gone when the call ends.",
    ],
    rightsTitle: "Your rights",
    rights: [
      "On the My data page you can see everything stored about you, download it all as one file, and log out any of your sessions.",
      "In settings you can correct your display name and interface language.",
      "You can delete your account yourself: it goes at once with everything that refers to it (your rooms, sessions and the rest), calls in your rooms end, and you are logged out.",
      "You can withdraw your consent to this policy; since the service cannot be used without it, withdrawing deletes your account in the same way.",
    ],
    retentionTitle: "How long data is kept",
    inactive: (d) => (d === 0 ? `Accounts are ${forever.en}.` : `Accounts with no login or visit for ${d} days are deleted automatically, with everything that refers to them.`),
    feedback: (d) =>
      d === 0
        ? "Feedback messages are kept until the operator deletes them, or until your account is deleted if you sent them logged in."
        : `Feedback messages are deleted ${d} days after they were sent (the server checks every hour), or earlier if the operator deletes them.`,
    sessions: "Login sessions end after 30 days without use, and at the latest 90 days after login.",
    cookiesTitle: "Cookies and local storage",
    cookies: "The server sets one cookie: your login session. If you pick a language before logging in, the page keeps your pick in local storage and in a cookie of its own so the server can answer in that language. Camera and microphone choices stay in your browser's local storage.",
    contactTitle: "Contact",
    contact: (email) => (email ? `Write to the operator of this server at ${email}.` : "The operator of this server has not published a contact address."),
  },
  ru: {
    version: (v) => `Версия ${v}.`,
    intro: "Этот сервер youmeet работает у его оператора. Здесь сказано, что он хранит о вас, как долго, и чего не хранит никогда.",
    keptTitle: "Что хранится",
    kept: [
      "Из Telegram — только то, что Telegram разрешает показать: id в Telegram, имя и фамилия, @username, адрес фото профиля, язык интерфейса и регион из кода языка, если он есть.",
      "Ваш youmeet ID — случайный идентификатор (не id в Telegram), по которому вас добавляют в контакты.",
      "Отображаемое имя, если вы его задали (тогда другие видят его вместо имени из Telegram), и язык интерфейса.",
      "Какую версию этой политики конфиденциальности вы приняли и когда: вход в сервис принимает действующую версию.",
      "Сеансы входа: только отпечаток (SHA-256) токена сеанса, название браузера и время последнего использования.",
      "Ваши комнаты: id, необязательное название, разрешены ли гости и когда вы их создали. Кто участвует в звонке, известно только пока звонок идёт.",
      "Отзывы, отправленные через форму обратной связи: имя, адрес почты, тема и текст, которые вы ввели, и время отправки. Если вы были в аккаунте, отзыв связан с ним и удаляется вместе с ним. Ваш сетевой адрес вместе с отзывом не хранится.",
    ],
    neverTitle: "Что не хранится никогда",
    never: [
      "Звук, видео и показ экрана только передаются между участниками и никогда не записываются. При передаче они зашифрованы (DTLS-SRTP).",
      "Сообщения чата передаются участникам звонка и никогда не пишутся на диск или в журналы; они исчезают, когда звонок заканчивается.",
    ],
    rightsTitle: "Ваши права",
    rights: [
      "На странице «Мои данные» вы видите всё, что о вас хранится, можете скачать это одним файлом и завершить любой свой сеанс входа.",
      "В настройках можно исправить отображаемое имя и язык интерфейса.",
      "Вы можете сами удалить аккаунт: он сразу удаляется вместе со всем, что к нему относится (комнатами, сеансами и остальным), звонки в ваших комнатах завершаются, и вы выходите из аккаунта.",
      "Вы можете отозвать согласие с этой политикой; так как без него сервисом пользоваться нельзя, отзыв так же удаляет аккаунт.",
    ],
    retentionTitle: "Сколько хранятся данные",
    inactive: (d) => (d === 0 ? `Аккаунты ${forever.ru}.` : `Аккаунты, в которые не входили и которые не открывали ${d} дней, удаляются автоматически вместе со всем, что к ним относится.`),
    feedback: (d) =>
      d === 0
        ? "Отзывы хранятся, пока оператор их не удалит или, если вы отправили их из аккаунта, пока не удалён аккаунт."
        : `Отзывы удаляются через ${d} дней после отправки (сервер проверяет это каждый час) или раньше, если их удалит оператор.`,
    sessions: "Сеанс входа заканчивается после 30 дней без использования и не позже чем через 90 дней после входа.",
    cookiesTitle: "Cookie и локальное хранилище",
    cookies: "Сервер устанавливает одну cookie — сеанс входа. Если вы выбираете язык до входа, страница сохраняет выбор в локальном хранилище и в отдельной cookie, чтобы сервер отвечал на этом языке. Выбор камеры и микрофона остаётся в локальном хранилище браузера.",
    contactTitle: "Контакты",
    contact: (email) => (email ? `Пишите оператору этого сервера: ${email}.` : "Оператор этого сервера не указал адрес для связи."),
  },
};

/** The privacy policy, stating the retention periods this server applies. */
export function privacyPage(ctx: PageContext, facts: PrivacyFacts): SafeHtml {
  const text = TEXT[ctx.lang];
  const list = (items: string[]) => html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;
  return layout(ctx, {
    title: ctx.t("privacy.title"),
    body: html`<article class="card prose">
  <h1>${ctx.t("privacy.title")}</h1>
  <p class="hint" data-policy-version="${facts.policyVersion}">${text.version(facts.policyVersion)}</p>
  <p>${text.intro}</p>
  <h2>${text.keptTitle}</h2>${list(text.kept)}
  <h2>${text.neverTitle}</h2>${list(text.never)}
  <h2>${text.rightsTitle}</h2>${list(text.rights)}
  <h2>${text.retentionTitle}</h2>
  <ul>
    <li data-retention="inactive">${text.inactive(facts.retentionInactiveDays)}</li>
    <li data-retention="feedback">${text.feedback(facts.retentionFeedbackDays)}</li>
    <li>${text.sessions}</li>
  </ul>
  <h2>${text.cookiesTitle}</h2><p>${text.cookies}</p>
  <h2>${text.contactTitle}</h2>
  <p>${facts.contactEmail ? html`<a href="mailto:${facts.contactEmail}">${text.contact(facts.contactEmail)}</a>` : text.contact(null)}</p>
</article>`,
  });
}

// Sandbox chat page: pick a demo person, chat with the bot through the local emulator.
"use strict";

const L = {
  pick_title: "Chọn người dùng thử",
  pick_hint: "Bạn sẽ trò chuyện với bot với tư cách người này",
  search: "Tìm theo tên, vai trò, phường…",
  switch_person: "Đổi người",
  bot_name: "Khuyến học Bot",
  type_message: "Nhắn tin…",
  send: "Gửi",
  attach: "Gửi ảnh hoặc tệp (nội dung ô nhập làm chú thích)",
  plus_hour: "+1 giờ",
  plus_day: "+1 ngày",
  next_monday: "Thứ Hai tới 07:00",
  no_people: "Không tìm thấy ai phù hợp.",
  no_messages: "Chưa có tin nhắn. Gõ /start để bắt đầu.",
  edited: "đã sửa",
  shared_contact: "Đã chia sẻ số điện thoại",
  download: "Tải xuống",
  connection_lost: "Mất kết nối, đang thử lại…",
  error: "Có lỗi xảy ra",
  button_gone: "Nút này không còn hiệu lực",
  unsupported_button: "Nút này không dùng được trong bản thử nghiệm",
  typing: "đang soạn tin…",
  uploading: "đang gửi tệp…",
  channel_hint: "Đổi giữa Telegram và Zalo: cùng một người, xem bot trên ứng dụng kia",
  zalo_no_buttons: "Trên Zalo không có nút: hãy gõ số thứ tự",
  pending: "Bot đang trả lời…",
};

const $ = (id) => document.getElementById(id);
const state = {
  people: [], person: null, version: -1, instance: "", toastsSeen: null, poll: null,
  channel: localStorage.getItem("sandbox-channel") === "zalo" ? "zalo" : "telegram",
};

// The chat endpoints act as the same person on Zalo with ?channel=zalo.
function chatPath(suffix = "", query = "") {
  const params = [query, state.channel === "zalo" ? "channel=zalo" : ""].filter(Boolean).join("&");
  return `/sandbox/api/chat/${state.person.user_id}${suffix}${params ? `?${params}` : ""}`;
}

function renderChannel() {
  const button = $("channel");
  button.textContent = state.channel === "zalo" ? "Zalo ⇄" : "Telegram ⇄";
  document.body.classList.toggle("zalo", state.channel === "zalo");
}

function switchChannel() {
  state.channel = state.channel === "zalo" ? "telegram" : "zalo";
  localStorage.setItem("sandbox-channel", state.channel);
  renderChannel();
  if (state.person) openChat(state.person);
}

function applyLabels() {
  document.querySelectorAll("[data-l]").forEach((el) => { el.textContent = L[el.dataset.l]; });
  document.querySelectorAll("[data-l-placeholder]").forEach((el) => { el.placeholder = L[el.dataset.lPlaceholder]; });
  document.querySelectorAll("[data-l-title]").forEach((el) => { el.title = L[el.dataset.lTitle]; });
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(`${response.status}`);
  return response.json();
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// --- people ----------------------------------------------------------------------------------

function fold(text) {
  return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

function initials(name) {
  const words = String(name).trim().split(/\s+/);
  const last = words[words.length - 1] || "?";
  return (words.length > 1 ? words[0][0] + last[0] : last.slice(0, 2)).toUpperCase();
}

function avatarColor(id) {
  const colors = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774"];
  return colors[Math.abs(Number(id)) % colors.length];
}

function renderPeople() {
  const list = $("people");
  const query = fold($("search").value.trim());
  list.replaceChildren();
  const groups = new Map();
  for (const person of state.people) {
    const haystack = fold(`${person.name} ${person.role} ${person.group}`);
    if (query && !query.split(/\s+/).every((word) => haystack.includes(word))) continue;
    if (!groups.has(person.group)) groups.set(person.group, []);
    groups.get(person.group).push(person);
  }
  if (!groups.size) {
    list.append(el("div", "empty", L.no_people));
    return;
  }
  for (const [group, people] of groups) {
    list.append(el("div", "group-title", group));
    for (const person of people) {
      const row = el("button", "person");
      row.type = "button";
      row.setAttribute("role", "listitem");
      row.dataset.userId = person.user_id;
      const avatar = el("div", "avatar", initials(person.name));
      avatar.style.background = avatarColor(person.user_id);
      const text = el("div");
      text.append(el("div", "name", person.name), el("div", "role", person.role));
      row.append(avatar, text);
      row.addEventListener("click", () => openChat(person));
      list.append(row);
    }
  }
}

async function loadPeople() {
  const data = await api("/sandbox/api/people");
  state.people = data.people;
  const zalo = (await api("/sandbox/api/channels")).channels.includes("zalo");
  $("channel").hidden = !zalo;
  if (!zalo && state.channel === "zalo") {
    state.channel = "telegram";
    renderChannel();
  }
  renderPeople();
  const match = location.hash.match(/u=(-?\d+)/);
  const chosen = match && state.people.find((p) => String(p.user_id) === match[1]);
  if (chosen) openChat(chosen);
}

// --- chat ------------------------------------------------------------------------------------

function openChat(person) {
  state.person = person;
  state.version = -1;
  state.botCount = undefined;
  showPending(false);
  state.toastsSeen = null;
  clearTimeout(actionTimer);
  history.replaceState(null, "", `#u=${person.user_id}`);
  $("me").textContent = `${person.name} · ${person.role}`;
  $("messages").replaceChildren();
  $("picker").hidden = true;
  $("chat").hidden = false;
  $("text").focus();
  startPolling();
}

function closeChat() {
  if (state.poll) state.poll.abort();
  state.poll = null;
  state.person = null;
  history.replaceState(null, "", location.pathname);
  $("chat").hidden = true;
  $("picker").hidden = false;
  $("search").focus();
}

async function startPolling() {
  if (state.poll) state.poll.abort();
  const controller = new AbortController();
  state.poll = controller;
  const person = state.person;
  while (!controller.signal.aborted) {
    try {
      const query = `since=${state.version}&instance=${encodeURIComponent(state.instance)}&timeout=25`;
      const url = chatPath("", query);
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok) throw new Error(`${response.status}`);
      const view = await response.json();
      if (controller.signal.aborted) return;
      renderClock(view.clock);
      if (view.version !== state.version || view.instance !== state.instance) {
        state.version = view.version;
        state.instance = view.instance;
        renderChat(view);
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      showToast(L.connection_lost);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

// "Bot đang trả lời…" from a message or a press until the bot's next message (or 20 s).
let pendingTimer = null;
function showPending(on) {
  clearTimeout(pendingTimer);
  $("pending").textContent = L.pending;
  $("pending").hidden = !on;
  if (on) pendingTimer = setTimeout(() => { $("pending").hidden = true; }, 20000);
}

function renderChat(view) {
  const botCount = view.messages.filter((m) => m.from_bot).length;
  if (state.botCount !== undefined && botCount > state.botCount) showPending(false);
  state.botCount = botCount;
  const box = $("messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const previousCount = box.querySelectorAll(".row").length;
  box.replaceChildren();
  if (!view.messages.length) box.append(el("div", "day-note", L.no_messages));
  for (const message of view.messages) box.append(renderMessage(message));
  renderChatAction(view.chat_action);
  renderReplyKeyboard(view.reply_keyboard);  // before scrolling: it changes the height of the list
  if (nearBottom || view.messages.length > previousCount) box.scrollTop = box.scrollHeight;
  if (state.toastsSeen === null) {
    state.toastsSeen = view.toasts.length;
  } else if (view.toasts.length > state.toastsSeen) {
    const toast = view.toasts[view.toasts.length - 1];
    state.toastsSeen = view.toasts.length;
    showToast(toast.text, toast.show_alert);
  }
}

let actionTimer = null;
function renderChatAction(action) {
  const me = $("me");
  const person = `${state.person.name} · ${state.person.role}`;
  clearTimeout(actionTimer);
  if (!action) {
    me.textContent = person;
    return;
  }
  me.textContent = action.startsWith("upload") ? L.uploading : L.typing;
  actionTimer = setTimeout(() => { me.textContent = person; }, 5000);  // Telegram shows it for 5 s
}

function renderMessage(message) {
  const row = el("div", `row ${message.from_bot ? "bot" : "user"}`);
  row.dataset.messageId = message.id;
  const bubble = el("div", "bubble");
  if (message.photo) {
    const img = el("img", "photo");
    if (message.photo.width && message.photo.height) {
      img.width = message.photo.width;  // reserves the space before loading, so scrolling stays right
      img.height = message.photo.height;
      img.classList.toggle("pixelated", message.photo.width < 320);
    }
    img.src = message.photo.url;
    img.alt = message.caption || "";
    bubble.append(img);
  }
  if (message.document) bubble.append(renderDocument(message.document));
  if (message.contact) {
    const contact = el("div", "contact");
    contact.append(el("span", "", "☎"), el("span", "", message.contact.phone_number));
    bubble.append(contact, el("div", "role", L.shared_contact));
  }
  if (message.text !== undefined) bubble.append(renderEntities(message.text, message.entities || []));
  if (message.caption) bubble.append(renderEntities(message.caption, message.caption_entities || []));
  const meta = el("span", "meta", message.edited ? `${L.edited} ${message.time}` : message.time);
  bubble.append(meta);
  row.append(bubble);
  if (message.inline_keyboard) row.append(renderInlineKeyboard(message));
  return row;
}

function renderDocument(document_) {
  const link = el("a", "document");
  link.href = document_.url;
  link.download = document_.file_name;
  link.title = L.download;
  const text = el("div");
  text.append(el("div", "file-name", document_.file_name), el("div", "file-size", formatSize(document_.file_size)));
  link.append(el("div", "icon", "⬇"), text);
  return link;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace(".", ",")} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace(".", ",")} MB`;
}

// Telegram entities (UTF-16 offsets, the unit of JavaScript strings) → DOM, never innerHTML.
function renderEntities(text, entities) {
  const root = el("div", "text");
  const sorted = entities.slice().sort((a, b) => a.offset - b.offset || b.length - a.length);
  build(root, text, sorted, 0, text.length);
  return root;
}

function build(parent, text, entities, start, end) {
  let position = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    const entityEnd = entity.offset + entity.length;
    if (entity.offset < position || entityEnd > end) { i += 1; continue; }
    if (entity.offset > position) parent.append(text.slice(position, entity.offset));
    const inner = [];
    let j = i + 1;
    while (j < entities.length && entities[j].offset < entityEnd) {
      if (entities[j].offset + entities[j].length <= entityEnd) inner.push(entities[j]);
      j += 1;
    }
    const node = entityNode(entity, text.slice(entity.offset, entityEnd));
    build(node, text, inner, entity.offset, entityEnd);
    parent.append(node);
    position = entityEnd;
    i = j;
  }
  if (position < end) parent.append(text.slice(position, end));
}

function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return ["http:", "https:", "tg:", "mailto:", "tel:"].includes(parsed.protocol) ? parsed.href : null;
  } catch (error) {
    return null;
  }
}

function entityNode(entity, content) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote":
    case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const node = el("span", "spoiler");
      node.addEventListener("click", () => node.classList.add("revealed"));
      return node;
    }
    case "text_link":
    case "url": {
      const href = safeUrl(entity.type === "url" ? content : entity.url);
      if (!href) return el("span");
      const link = el("a");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
    case "bot_command": {
      const node = el("span", "command");
      node.addEventListener("click", () => sendText(content.split("@")[0]));
      return node;
    }
    default: return el("span");
  }
}

function renderInlineKeyboard(message) {
  const keyboard = el("div", "inline-keyboard");
  for (const row of message.inline_keyboard) {
    const line = el("div", "kb-row");
    for (const button of row) {
      if (button.url && safeUrl(button.url)) {
        const link = el("a", "", button.text);
        link.href = safeUrl(button.url);
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        line.append(link);
        continue;
      }
      const node = el("button", "", button.text);
      node.type = "button";
      if (button.callback_data !== undefined) {
        node.addEventListener("click", () => pressButton(node, message.id, button.callback_data));
      } else {
        node.addEventListener("click", () => showToast(L.unsupported_button));
      }
      line.append(node);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function renderReplyKeyboard(markup) {
  const box = $("reply-keyboard");
  box.replaceChildren();
  if (!markup || !markup.keyboard || !markup.keyboard.length) {
    box.hidden = true;
    return;
  }
  for (const row of markup.keyboard) {
    const line = el("div", "kb-row");
    for (const button of row) {
      const label = typeof button === "string" ? button : button.text;
      const node = el("button", "", button.request_contact ? `☎ ${label}` : label);
      node.type = "button";
      if (button.request_contact) {
        node.addEventListener("click", () => shareContact());
      } else if (typeof button === "string" || Object.keys(button).length === 1) {
        node.addEventListener("click", () => sendText(label));
      } else {
        node.addEventListener("click", () => showToast(L.unsupported_button));
      }
      line.append(node);
    }
    box.append(line);
  }
  box.hidden = false;
}

async function sendText(text) {
  if (!state.person || !text.trim()) return;
  try {
    showPending(true);
    await api(chatPath("/send"), { text });
  } catch (error) {
    showToast(L.error);
  }
}

async function sendFile(file) {
  if (!state.person || !file) return;
  const form = new FormData();
  form.append("file", file, file.name);
  const caption = $("text").value.trim();
  if (caption) form.append("caption", caption);
  $("text").value = "";
  try {
    const response = await fetch(chatPath("/upload"), { method: "POST", body: form });
    if (!response.ok) throw new Error(`${response.status}`);
  } catch (error) {
    showToast(L.error);
  }
}

async function pressButton(node, messageId, data) {
  node.classList.add("pending");
  try {
    showPending(true);
    await api(chatPath("/press"), { message_id: messageId, callback_data: data });
  } catch (error) {
    showToast(L.button_gone);
  } finally {
    node.classList.remove("pending");
  }
}

async function shareContact() {
  try {
    await api(chatPath("/contact"), {});
  } catch (error) {
    showToast(L.error);
  }
}

// --- toast and clock -------------------------------------------------------------------------

let toastTimer = null;
function showToast(text, alert = false) {
  const toast = $("toast");
  toast.textContent = text;
  toast.classList.toggle("alert", Boolean(alert));
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, alert ? 5000 : 2500);
}

function renderClock(clock) {
  if (clock) {
    $("clock").textContent = clock.label;
    $("clock").dataset.iso = clock.iso;
  }
}

async function moveClock(action, buttons) {
  buttons.forEach((b) => { b.disabled = true; });
  try {
    renderClock(await api("/sandbox/api/clock", { action }));
  } catch (error) {
    showToast(L.error);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

// --- start -----------------------------------------------------------------------------------

function main() {
  applyLabels();
  $("search").addEventListener("input", renderPeople);
  $("switch").addEventListener("click", closeChat);
  $("channel").addEventListener("click", switchChannel);
  renderChannel();
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {  // Shift+Enter: a new line
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("text");
    const text = input.value;
    input.value = "";
    sendText(text);
    input.focus();
  });
  $("file").addEventListener("change", (event) => {
    sendFile(event.target.files[0]);
    event.target.value = "";
  });
  const buttons = Array.from(document.querySelectorAll("[data-move]"));
  buttons.forEach((button) => button.addEventListener("click", () => moveClock(button.dataset.move, buttons)));
  api("/sandbox/api/clock").then(renderClock).catch(() => showToast(L.connection_lost));
  loadPeople().catch(() => showToast(L.connection_lost));
}

main();

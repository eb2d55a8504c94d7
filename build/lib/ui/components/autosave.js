// A text box that saves while the person types (Streamlit components v2: plain JavaScript, no
// build step, nothing fetched). See ui/autosave.py for the Python side.
//
// The box owns its text. Each pause in typing (DEBOUNCE_MS), and leaving the box, sends the text
// as an *edit* {text, seq, rev}: seq is a timestamp that only grows, rev the saved version the
// text was based on. The server saves it and echoes seq back as data.ack. Until the echo comes,
// the server's value never replaces what the person typed: a rerun caused by something else (a
// reconnect, another box, another tab) cannot empty the box. With no echo after RETRY_MS the box
// says "Not saved: retrying" and sends again; after a lost connection Streamlit sends the edit
// with the rest of the page once it reconnects. Leaving the page with text not yet saved asks
// first (beforeunload), and sends what it can.

const DEBOUNCE_MS = 1000;
const RETRY_MS = 4000;
const SAVED = "Saved";
const SAVING = "Saving…";
const RETRYING = "Not saved: retrying";

const boxes = (window.__assessorBoxes = window.__assessorBoxes || new Set());
if (!window.__assessorUnload) {
  window.__assessorUnload = true;
  window.addEventListener("beforeunload", (event) => {
    let unsaved = false;
    for (const box of boxes) {
      if (!box.field.isConnected) {
        boxes.delete(box);
      } else if (box.pending()) {
        unsaved = true;
        box.send();
      }
    }
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}

const same = (a, b) => (a || "").trim() === (b || "").trim();

function build(root, data) {
  const id = `autosave-${data.id}`;
  const wrap = document.createElement("div");
  wrap.className = "autosave";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = data.strong ? "autosave-label autosave-strong" : "autosave-label";
  label.textContent = data.label;
  const field = document.createElement(data.multiline ? "textarea" : "input");
  field.id = id;
  field.name = data.id;
  if (data.multiline) field.rows = data.rows || 3;
  else field.type = "text";
  field.maxLength = data.max;
  field.autocomplete = "off";
  if (data.placeholder) field.placeholder = data.placeholder;
  field.value = data.value || "";
  const status = document.createElement("span");
  status.id = `${id}-status`;
  status.className = "autosave-status";
  status.setAttribute("aria-live", "polite");
  field.setAttribute("aria-describedby", status.id);
  wrap.append(label, field, status);
  root.append(wrap);
  return { field, status };
}

function mount(root, data) {
  const { field, status } = build(root, data);
  const box = {
    field,
    data,
    setStateValue: null,
    timer: null, // waiting for a pause in typing
    sent: null, // {text, seq}: sent, not yet echoed
    base: data.rev, // the saved version the text in the box is based on
    server: data.value, // the stored value last shown
    retry: null,
    pending() {
      return this.timer !== null || this.sent !== null;
    },
    show(text) {
      status.textContent = text;
      status.dataset.state = text === SAVED ? "saved" : text === RETRYING ? "retrying" : "saving";
    },
    send() {
      clearTimeout(this.timer);
      this.timer = null;
      const seq = Math.max(Date.now(), (this.sent?.seq || 0) + 1, (this.data.ack || 0) + 1);
      this.sent = { text: field.value, seq };
      this.setStateValue("edit", { text: field.value, seq, rev: this.base });
      clearTimeout(this.retry);
      this.retry = setTimeout(() => {
        if (this.sent && field.isConnected) {
          this.show(RETRYING);
          this.send();
        }
      }, RETRY_MS);
    },
    update(data) {
      this.data = data;
      if (this.sent && (data.ack || 0) >= this.sent.seq) {
        this.sent = null;
        clearTimeout(this.retry);
        this.retry = null;
      }
      const changed = data.value !== this.server; // the stored value moved (another tab, a choice)
      this.server = data.value;
      if (this.pending()) return;
      if (changed && !same(field.value, data.value)) field.value = data.value || "";
      this.base = data.rev;
      // Status once the person has typed here (in this box, or before the page redrew it: data.ack).
      if (!status.textContent && !data.ack) return;
      if (data.problem) this.show(`Not saved: ${data.problem}`);
      else if (same(field.value, data.value)) this.show(SAVED);
      else {
        // Echoed, but the stored text is not this one (a run that was cut short): send it again.
        this.show(RETRYING);
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.send(), RETRY_MS);
      }
    },
  };
  field.addEventListener("input", () => {
    if (!box.pending()) box.base = box.data.rev;
    box.show(SAVING);
    clearTimeout(box.timer);
    box.timer = setTimeout(() => box.send(), DEBOUNCE_MS);
  });
  field.addEventListener("blur", () => {
    if (box.timer !== null) box.send();
  });
  return box;
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  let box = parentElement.__autosave;
  if (!box || !box.field.isConnected) {
    box = mount(parentElement, data);
    parentElement.__autosave = box;
    boxes.add(box);
  }
  box.setStateValue = setStateValue;
  box.update(data);
}

// Page helpers that Streamlit's own elements do not offer (ui/page.py). Plain JavaScript loaded
// with st.components.v2: no build step, nothing fetched. Installed once per page load; the
// component is drawn on every run so that it is there on whatever page the person opens.
//
// 1. Connection lost. While Streamlit cannot reach the server it disables its widgets and says
//    nothing in the page itself; its app element's data-test-connection-state attribute (or, in
//    versions that show one, a "Connecting" status in the toolbar) tells. After a second of
//    that, a banner says so in words, and what is true about the answers (see
//    ui/autosave.py): choices already made are stored; text typed in a box stays in this page and
//    is sent when the connection returns. It goes away when the page is connected again.
// 2. Narrow screens. Whether the page is narrower than NARROW_PX CSS pixels (a phone, or a
//    laptop at 200% zoom) is sent to the server when it changes, so that wide tables can be
//    drawn as lists there (ui/results.py's action plan).
// 3. Group labels. A tick-all-that-apply question is a set of check boxes with the question as a
//    line above them (Streamlit has no fieldset): its box (class st-key-group-...) becomes
//    role="group", labelled by that line.

const LOST_AFTER_MS = 1000;
const BACK_FOR_MS = 4000;
const NARROW_PX = 800;

function banner() {
  let el = document.getElementById("connection-banner");
  if (!el) {
    el = document.createElement("div");
    el.id = "connection-banner";
    el.className = "connection-banner";
    el.setAttribute("role", "alert");
    el.hidden = true;
    document.body.append(el);
  }
  return el;
}

function showLost() {
  const el = banner();
  el.dataset.state = "lost";
  el.innerHTML = "";
  const head = document.createElement("strong");
  head.textContent = "Connection to the server lost. Reconnecting…";
  const body = document.createElement("span");
  body.textContent =
    " Your answers are safe if you keep this tab open: choices you made before this message " +
    "are stored, and text typed in a box that is not saved yet stays on this page and is saved " +
    "when the connection returns (the box then says “Saved”). The page waits until then.";
  el.append(head, body);
  el.hidden = false;
}

function showBack() {
  const el = banner();
  if (el.hidden || el.dataset.state !== "lost") return;
  el.dataset.state = "back";
  el.textContent = "Connected again.";
  clearTimeout(window.__assessorBackTimer);
  window.__assessorBackTimer = setTimeout(() => {
    if (banner().dataset.state === "back") banner().hidden = true;
  }, BACK_FOR_MS);
}

function disconnected() {
  const app = document.querySelector("[data-test-connection-state]");
  const state = app ? app.getAttribute("data-test-connection-state") : "CONNECTED";
  const known = ["CONNECTED", "STATIC_CONNECTED", "INITIAL"];
  return !known.includes(state) || !!document.querySelector('[data-testid="stConnectionStatus"]');
}

function watchConnection() {
  let timer = null;
  return () => {
    const lost = disconnected();
    if (lost && timer === null && banner().dataset.state !== "lost") {
      timer = setTimeout(() => {
        timer = null;
        if (disconnected()) showLost();
      }, LOST_AFTER_MS);
    } else if (!lost) {
      clearTimeout(timer);
      timer = null;
      showBack();
    }
  };
}

function labelGroups() {
  for (const box of document.querySelectorAll('[class*="st-key-group-"]')) {
    if (box.getAttribute("role") === "group") continue;
    const name = box.querySelector('[data-testid="stMarkdownContainer"]');
    if (!name) continue;
    const key = [...box.classList].find((c) => c.startsWith("st-key-group-"));
    name.id = `${key.slice("st-key-".length)}-label`;
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", name.id);
  }
}

function reportWidth(component) {
  window.__assessorSetState = component.setStateValue;
  const told = !!(component.data && component.data.narrow);
  const narrow = () => window.innerWidth < NARROW_PX;
  if (narrow() !== told) component.setStateValue("narrow", narrow());
  if (!window.__assessorResize) {
    window.__assessorResize = true;
    let timer = null;
    let last = narrow();
    window.addEventListener("resize", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (narrow() !== last) {
          last = narrow();
          window.__assessorSetState("narrow", last);
        }
      }, 300);
    });
  }
}

export default function (component) {
  reportWidth(component);
  if (window.__assessorPage) return;
  window.__assessorPage = true;
  const connection = watchConnection();
  let queued = false;
  const run = () => {
    queued = false;
    connection();
    labelGroups();
  };
  // Streamlit redraws parts of the page on every run: look again after each change.
  new MutationObserver(() => {
    if (!queued) {
      queued = true;
      setTimeout(run, 50);
    }
  }).observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-test-connection-state"],
  });
  run();
}

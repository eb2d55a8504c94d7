// What this browser remembers between visits (ui/memory.py): its own random id, and the
// assessments it started or opened. Written as first-party cookies, which the server reads when
// a page loads (st.context.cookies); nothing is sent anywhere else.
export default function (component) {
  const { data } = component;
  for (const [name, value] of Object.entries(data.cookies || {})) {
    if (!/^[A-Za-z0-9_]+$/.test(name) || !/^[A-Za-z0-9_.-]*$/.test(value)) continue;
    document.cookie = `${name}=${value}; path=/; max-age=${data.maxAge}; SameSite=Strict`;
  }
}

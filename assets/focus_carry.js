// Focus carried from the hydrate fallback's frame to the page's (issue 16, "Pages near the floor"). A page with a
// parameter is served with the app's hydrate fallback: the page's frame around a region the server filled in. Once
// the route's scripts have loaded, React Router replaces that frame with the page's own, the same markup in new
// elements: whatever had the focus (the skip link after a first Tab, a link in the menu) would be removed with it.
// The fallback's FocusCarry notes where the focus was, as the path of child indexes from <body>, just before its
// elements go; the page's FocusCarry, mounted in the same commit, puts the focus on the element at that path if it
// is the same kind of element with the same text.
import { useLayoutEffect } from "react";

let carried = null; // { path, tag, text } of the focused element of the frame that went

function pathOf(element) {
  const path = [];
  for (let at = element; at !== document.body; at = at.parentElement) {
    if (!at || !at.parentElement) return null;
    path.unshift(Array.prototype.indexOf.call(at.parentElement.children, at));
  }
  return path;
}

function atPath(path) {
  let at = document.body;
  for (const index of path) at = at && at.children[index];
  return at || null;
}

export function FocusCarry({ remember }) {
  useLayoutEffect(() => {
    if (remember) {
      return () => {
        const focused = document.activeElement;
        const path = focused && focused !== document.body ? pathOf(focused) : null;
        carried = path && { path, tag: focused.tagName, text: focused.textContent };
      };
    }
    const note = carried;
    carried = null;
    if (!note || (document.activeElement && document.activeElement !== document.body)) return undefined;
    const same = atPath(note.path);
    if (same && same.tagName === note.tag && same.textContent === note.text) same.focus({ preventScroll: true });
    return undefined;
  }, [remember]);
  return null; // no element: the two frames keep the same shape
}

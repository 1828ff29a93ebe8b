// A region whose markup the server builds (escaped there: services/marketplace/results_html.py), shown as the
// element's inner HTML, with its links routed inside the page as React Router's links are (issue 16, "Pages near the
// floor"). The served page already holds the same markup (api/page_files): React adopts it when it hydrates (it
// does not compare an inner HTML), so the region shows before any script has run and is not built again.
//
// ServedHtml is such a region on a page with a parameter (a listing), served from the SPA fallback: the app's hydrate
// fallback holds the region the server filled in (data-served), shown until the route's scripts have loaded; the
// route's own region then shows what was served (for the same path) until its state carries the same markup.
import { createElement, useCallback, useEffect } from "react";
import { useNavigate } from "react-router";

function ownPath(link) {
  if (link.target && link.target !== "_self") return null;
  if (link.hasAttribute("download")) return null;
  const url = new URL(link.href, window.location.href);
  return url.origin === window.location.origin ? url.pathname + url.search + url.hash : null;
}

export function RoutedHtml({ html, ...props }) {
  const navigate = useNavigate();
  const onClick = useCallback(
    (event) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab or window
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      const path = link && event.currentTarget.contains(link) ? ownPath(link) : null;
      if (path === null) return;
      event.preventDefault();
      navigate(path);
    },
    [navigate],
  );
  return createElement("div", { ...props, onClick, dangerouslySetInnerHTML: { __html: html } });
}

// What the server filled in the page it served ({ path, html }), read from the document once, when the first served
// region renders; null when it filled nothing in, or once a state has shown its own markup.
let served;

function servedFor(id) {
  if (typeof document === "undefined") return null; // prerendering the build
  if (served === undefined) {
    const region = document.getElementById(id);
    served =
      region && region.dataset.served === "true" ? { path: window.location.pathname, html: region.innerHTML } : null;
  }
  return served && served.path === window.location.pathname ? served.html : null;
}

export function ServedHtml({ html, placeholder, id, ...props }) {
  const shown = html || servedFor(id) || placeholder; // what was served only for the path it was served for
  useEffect(() => {
    if (html) served = null;
  }, [html]);
  return createElement(RoutedHtml, { ...props, id, html: shown });
}

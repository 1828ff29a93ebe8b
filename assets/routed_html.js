// A region whose markup the server builds (escaped there: services/marketplace/results_html.py), shown as the
// element's inner HTML, with its links routed inside the page as React Router's links are (issue 16, "Pages near the
// floor"). The served page already holds the same markup (api/page_files): React adopts it when it hydrates (it
// does not compare an inner HTML), so the region shows before any script has run and is not built again.
import { createElement, useCallback } from "react";
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

// Reflex's toaster (sonner), loaded with the first toast instead of with every page: about 8 KB of compressed
// JavaScript less on a first visit (issue 16, "Pages near the floor"). `toast` stands in for sonner's (Reflex sets it
// as refs.__toast, which `rx.toast` calls): its first call loads sonner and mounts the toaster, which then shows that
// toast and any raised meanwhile.
import { createElement, useEffect, useState } from "react";

let sonner = null;
let loading = null;
const waiting = [];
const listeners = new Set();

function load() {
  loading ??= import("sonner").then((module) => {
    sonner = module;
    listeners.forEach((listener) => listener(module));
  });
  return loading;
}

function show(method, args) {
  const target = method ? sonner.toast[method] : sonner.toast;
  return target(...args);
}

function forward(method) {
  return (...args) => {
    if (sonner) return show(method, args);
    waiting.push([method, args]);
    load();
  };
}

export const toast = new Proxy(forward(null), { get: (_target, method) => forward(method) });

export function Toaster(props) {
  const [module, setModule] = useState(sonner);
  useEffect(() => {
    if (sonner) return setModule(sonner);
    const listener = (loaded) => setModule(loaded);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  useEffect(() => {
    // The toaster has mounted (a child's effects run first) and listens: show what waited for it.
    if (module) setTimeout(() => waiting.splice(0).forEach(([method, args]) => show(method, args)), 0);
  }, [module]);
  return module ? createElement(module.Toaster, props) : null;
}

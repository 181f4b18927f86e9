// Sembako pages: print buttons, and the running variance on the count entry page.
"use strict";

function parseQty(text) {
  const t = (text || "").trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

function formatQty(n) {
  const s = (Math.round(n * 1000) / 1000).toString().replace(".", ",");
  return (n > 0 ? "+" : "") + s;
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((b) => {
    b.addEventListener("click", () => window.print());
  });
  // Count entry: show counted - system beside each line as it is typed.
  document.querySelectorAll("input[data-system]").forEach((input) => {
    const out = document.getElementById(input.dataset.out);
    const update = () => {
      const v = parseQty(input.value);
      if (!out) return;
      if (v === null) { out.textContent = ""; out.className = "num"; return; }
      const d = v - Number(input.dataset.system);
      out.textContent = formatQty(d);
      out.className = "num " + (d < 0 ? "sembako-loss" : d > 0 ? "sembako-gain" : "");
    };
    input.addEventListener("input", update);
    update();
  });
});

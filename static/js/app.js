// outlet_pos — small progressive enhancements; every page works without them.
"use strict";

function parseRupiah(text) {
  const t = (text || "").trim().replace(/^Rp\s?/i, "");
  if (!/^\d{1,3}(\.\d{3})*$|^\d+$/.test(t)) return null;
  return Number(t.replace(/\./g, ""));
}

function formatRupiah(n) {
  const s = Math.abs(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return (n < 0 ? "-Rp" : "Rp") + s;
}

// Journal entry form: live totals, and "add line" by cloning the last row.
function initJournalForm(form) {
  const table = form.querySelector("table.lines tbody");
  const out = {
    debit: form.querySelector("[data-total=debit]"),
    credit: form.querySelector("[data-total=credit]"),
    diff: form.querySelector("[data-total=diff]"),
  };
  function recompute() {
    let d = 0, c = 0;
    table.querySelectorAll("input[name$='-debit']").forEach((i) => { d += parseRupiah(i.value) || 0; });
    table.querySelectorAll("input[name$='-credit']").forEach((i) => { c += parseRupiah(i.value) || 0; });
    out.debit.textContent = formatRupiah(d);
    out.credit.textContent = formatRupiah(c);
    out.diff.textContent = formatRupiah(d - c);
    out.diff.className = d === c && d > 0 ? "diff-ok" : "diff-bad";
  }
  form.addEventListener("input", recompute);
  const add = form.querySelector("[data-action=add-line]");
  if (add) {
    add.addEventListener("click", () => {
      const rows = table.querySelectorAll("tr");
      const max = Number(add.dataset.max || 30);
      if (rows.length >= max) return;
      const last = rows[rows.length - 1];
      const clone = last.cloneNode(true);
      const idx = rows.length;
      clone.querySelectorAll("input, select").forEach((el) => {
        el.name = el.name.replace(/lines-\d+-/, `lines-${idx}-`);
        el.id = el.id.replace(/lines-\d+-/, `lines-${idx}-`);
        if (el.tagName === "SELECT") el.selectedIndex = 0; else el.value = "";
        el.removeAttribute("aria-invalid");
      });
      clone.querySelectorAll(".error").forEach((e) => e.remove());
      table.appendChild(clone);
    });
  }
  recompute();
}

// Buttons that need a second thought (reverse an entry, close a month).
function initConfirm(root) {
  root.querySelectorAll("form[data-confirm]").forEach((f) => {
    f.addEventListener("submit", (ev) => {
      if (!window.confirm(f.dataset.confirm)) ev.preventDefault();
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-journal-form]").forEach(initJournalForm);
  initConfirm(document);
});

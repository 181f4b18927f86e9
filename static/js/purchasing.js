// Purchasing forms (goods receipt, purchase order): add a line, live total, unit hints,
// and Enter from a barcode scanner moves to the next field instead of submitting.
"use strict";

(function () {
  function rupiah(text) {
    const t = (text || "").trim().replace(/^Rp\s?/i, "");
    if (!/^\d{1,3}(\.\d{3})*$|^\d+$/.test(t)) return 0;
    return Number(t.replace(/\./g, ""));
  }

  function format(n) {
    return "Rp" + n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function optionFor(form, value) {
    const v = (value || "").trim().toLowerCase();
    if (!v) return null;
    const opts = form.querySelectorAll("#purchase-items option");
    for (const o of opts) if (o.value.toLowerCase() === v) return o;
    for (const o of opts) if (o.textContent.split(/[\s·]+/).includes(value.trim())) return o;
    return null;
  }

  function hint(form, input) {
    const row = input.closest("tr");
    const opt = optionFor(form, input.value);
    const unit = row.querySelector("[data-unit]");
    if (unit) unit.placeholder = opt ? opt.dataset.units.split(",").join(" / ") : "dasar";
    row.classList.toggle("needs-batch", !!opt && opt.dataset.batch === "1");
  }

  function init(form) {
    const body = form.querySelector("table.lines tbody");
    const out = form.querySelector("[data-total=cost]");
    function total() {
      if (!out) return;
      let sum = 0;
      body.querySelectorAll("[data-cost]").forEach((i) => { sum += rupiah(i.value); });
      out.textContent = format(sum);
    }
    form.addEventListener("input", (ev) => {
      if (ev.target.matches("[data-item]")) hint(form, ev.target);
      total();
    });
    form.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" || !ev.target.closest("table.lines")) return;
      ev.preventDefault();
      const fields = Array.from(form.querySelectorAll("table.lines input"));
      const next = fields[fields.indexOf(ev.target) + 1];
      if (next) next.focus();
    });
    const add = form.querySelector("[data-action=add-line]");
    if (add) {
      add.addEventListener("click", () => {
        const rows = body.querySelectorAll("tr");
        if (rows.length >= Number(add.dataset.max || 50)) return;
        const clone = rows[rows.length - 1].cloneNode(true);
        const idx = rows.length;
        clone.classList.remove("needs-batch");
        clone.querySelectorAll("input, select").forEach((el) => {
          el.name = el.name.replace(/lines-\d+-/, `lines-${idx}-`);
          el.id = el.id.replace(/lines-\d+-/, `lines-${idx}-`);
          el.value = "";
          el.setAttribute("aria-invalid", "false");
          if (el.hasAttribute("aria-label")) {
            el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/\d+$/, idx + 1));
          }
        });
        clone.querySelectorAll(".error").forEach((e) => e.remove());
        clone.querySelectorAll(".has-error").forEach((e) => e.classList.remove("has-error"));
        body.appendChild(clone);
        clone.querySelector("input").focus();
      });
    }
    body.querySelectorAll("[data-item]").forEach((i) => hint(form, i));
    total();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-purchase-form]").forEach(init);
  });
})();

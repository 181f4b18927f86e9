// The selling screen (templates/kasir/screen.html): keyboard- and scanner-first.
// The barcode field keeps the focus; Enter adds; "3*" sets the next quantity; F2 member,
// F4/F5 hold/recall, F6 the farmer's NIK for subsidised fertilizer (or scan the KTP), F7 change the chosen line's price (only for whom the server allows it:
// data-price-override), F9 pay. The server decides every price and amount; the figures here are
// a live preview of the same arithmetic (integer rupiah, quantities to thousandths).
"use strict";

// Shift page: the cash count by denomination adds up while it is typed.
(function () {
  const form = document.querySelector("form[data-count-form]");
  if (!form) return;
  const rp = (n) => "Rp" + n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  function sum() {
    let total = 0;
    form.querySelectorAll("input[data-value]").forEach((input) => {
      const n = /^\d{1,6}$/.test(input.value.trim()) ? Number(input.value.trim()) : 0;
      const value = n * Number(input.dataset.value);
      total += value;
      input.closest("tr").querySelector("[data-subtotal]").textContent = rp(value);
    });
    form.querySelector("[data-count-total]").textContent = rp(total);
  }
  form.addEventListener("input", sum);
  sum();
})();

(function () {
  const root = document.getElementById("pos");
  if (!root) return;

  const $ = (id) => document.getElementById(id);
  const csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  const urls = {
    search: root.dataset.searchUrl,
    member: root.dataset.memberUrl,
    farmer: root.dataset.farmerUrl,
    checkout: root.dataset.checkoutUrl,
  };
  const storeKey = root.dataset.storeKey;
  const heldKey = storeKey.split(".").slice(0, 3).join(".") + ".held";
  const discountLimit = Number(root.dataset.discountLimit || 0);
  const canOverride = root.dataset.priceOverride === "1";

  const scan = $("scan");
  const suggest = $("suggest");
  const cartBody = $("cart");
  const payDialog = $("pay");
  const heldDialog = $("held");

  const state = {
    lines: [], member: null, key: newKey(), pendingQty: null, receiptDiscount: 0,
    farmer: null, // the lookup of /kasir/petani: farmer, season, allocations
    proxy: { on: false, nik: "", name: "", letter: "" }, // someone redeeming for the farmer
    taniOpen: false, // F6 or a scanned NIK shows the farmer panel before any fertilizer
    selected: -1, // the cart line F7 and the arrow keys act on
    editing: -1, // the line whose price is being typed
  };
  const byBarcode = new Map(); // scanned code -> {product, unitId}
  let suggestions = [];
  let active = -1;
  let searchTimer = null;
  let searchAbort = null;
  let queue = Promise.resolve();
  let busy = false;

  // --- numbers --------------------------------------------------------------------------

  function rupiah(n) {
    const s = Math.abs(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (n < 0 ? "-Rp" : "Rp") + s;
  }
  function parseAmount(text) {
    const t = (text || "").trim().replace(/^Rp\s?/i, "").replace(/[.\s]/g, "");
    if (t === "") return 0;
    return /^\d{1,13}$/.test(t) ? Number(t) : NaN;
  }
  function parseQty(text) {
    const t = (text || "").trim().replace(",", ".");
    if (!/^\d{1,9}(\.\d{1,3})?$/.test(t)) return null;
    return t;
  }
  function milli(qty) { // "1.5" -> 1500 (exact, no float rounding)
    const [w, f = ""] = qty.split(".");
    return Number(w) * 1000 + Number((f + "000").slice(0, 3));
  }
  function showQty(qty) { return qty.replace(".", ","); }
  function grouped(n) { return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // plain http on a LAN: no randomUUID
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- messages -------------------------------------------------------------------------

  function error(msg, box) {
    const el = box || $("pos-error");
    el.textContent = msg;
    el.hidden = !msg;
    if (msg) $("pos-note").hidden = true;
  }
  function note(msg) {
    const el = $("pos-note");
    el.textContent = msg;
    el.hidden = !msg;
  }
  function dialogOpen() { return payDialog.open || heldDialog.open; }
  function focusScan() { if (!dialogOpen()) scan.focus(); }

  // --- cart -----------------------------------------------------------------------------

  function unitOf(line) { return line.product.units.find((u) => u.id === line.unitId) || line.product.units[0]; }
  function listPrice(line) { const u = unitOf(line); return state.member ? u.price_member : u.price_general; }
  // A changed price (line.price) holds whatever the tier; the server checks the permission.
  function price(line) { return line.price != null ? line.price : listPrice(line); }
  function gross(line) { return Math.floor((price(line) * milli(line.qty) + 500) / 1000); }
  function totals() {
    let sub = 0, disc = 0;
    state.lines.forEach((l) => { sub += gross(l); disc += l.discount; });
    const receipt = state.receiptDiscount;
    return { gross: sub, discount: disc + receipt, total: sub - disc - receipt, net: sub - disc };
  }

  function takePending() {
    const q = state.pendingQty;
    setPending(null);
    return q;
  }

  function addProduct(product, unitId, qtyText) {
    const qty = qtyText || takePending() || "1";
    const unit = unitId || product.unit_id;
    const chosen = product.units.find((u) => u.id === unit) || product.units[0];
    if (product.decimals === 0 && /^\d+$/.test(chosen.factor) && milli(qty) % 1000) {
      error(`${product.name} dijual utuh per ${chosen.name}; jumlah ${showQty(qty)} tidak bisa.`);
      return;
    }
    const same = state.lines.find((l) => l.product.id === product.id && l.unitId === unit);
    if (same) {
      same.qty = ((milli(same.qty) + milli(qty)) / 1000).toString();
      same.flash = true;
    } else {
      state.lines.push({ product, unitId: unit, qty, discount: 0, flash: true });
    }
    state.selected = same ? state.lines.indexOf(same) : state.lines.length - 1;
    error("");
    note(`${product.name}: ${showQty(qty)} ${unitOf(same || state.lines[state.lines.length - 1]).name}`);
    render();
  }

  function row(line, i) {
    const tr = document.createElement("tr");
    tr.dataset.idx = i;
    if (line.flash) { tr.className = "pos-flash"; line.flash = false; }
    tr.classList.toggle("is-selected", i === state.selected);
    tr.classList.toggle("is-overridden", line.price != null);
    const unit = unitOf(line);
    const options = line.product.units
      .map((u) => `<option value="${u.id}"${u.id === unit.id ? " selected" : ""}></option>`)
      .join("");
    tr.innerHTML =
      `<td class="num col-no">${i + 1}</td>` +
      `<td class="name"><div class="pos-name"></div><div class="muted small pos-sub"></div></td>` +
      `<td class="num"><input class="qty amount" inputmode="decimal" autocomplete="off"></td>` +
      `<td><select class="unit">${options}</select></td>` +
      `<td class="num col-price">${canOverride
        ? '<button class="pos-price-btn" type="button" data-act="price"></button>' : rupiah(price(line))}</td>` +
      `<td class="num"><input class="disc amount" inputmode="numeric" autocomplete="off" placeholder="0"></td>` +
      `<td class="num pos-line-total">${rupiah(gross(line) - line.discount)}</td>` +
      `<td><button class="btn btn-small btn-ghost" type="button" data-act="remove">✕ Hapus</button></td>`;
    tr.querySelector(".pos-name").textContent = line.product.name;
    tr.querySelector(".pos-sub").textContent =
      `${line.product.sku} · stok ${line.product.stock} ${line.product.base_uom}`;
    priceParts(tr, line, i);
    tr.querySelectorAll("select.unit option").forEach((o, k) => { o.textContent = line.product.units[k].name; });
    const q = tr.querySelector("input.qty");
    q.value = showQty(line.qty);
    q.setAttribute("aria-label", `Jumlah ${line.product.name}`);
    const d = tr.querySelector("input.disc");
    d.value = line.discount ? line.discount.toLocaleString("id-ID") : "";
    d.setAttribute("aria-label", `Diskon ${line.product.name}`);
    tr.querySelector("select.unit").setAttribute("aria-label", `Satuan ${line.product.name}`);
    return tr;
  }

  // The price of a line: a button to change it (F7 or a click), a note when it was changed,
  // and, while it is being changed, a labelled field under the item's name (the price column
  // is hidden on a tablet, the name is not).
  function priceParts(tr, line, i) {
    const name = tr.querySelector("td.name");
    if (line.price != null) {
      const noteEl = document.createElement("div");
      noteEl.className = "small pos-price-note";
      noteEl.textContent = `Harga diubah · daftar ${rupiah(listPrice(line))}`;
      name.append(noteEl);
    }
    if (!canOverride) return;
    const btn = tr.querySelector(".pos-price-btn");
    btn.textContent = rupiah(price(line));
    btn.title = "Ubah harga (F7)";
    btn.setAttribute("aria-label", `Harga ${line.product.name} ${rupiah(price(line))}: ubah (F7)`);
    if (i === state.editing) {
      const box = document.createElement("div");
      box.className = "pos-price-edit";
      const label = document.createElement("label");
      label.htmlFor = "price-edit";
      label.textContent = `Harga baru per ${unitOf(line).name}`;
      const input = document.createElement("input");
      input.id = "price-edit";
      input.className = "price amount";
      input.inputMode = "numeric";
      input.autocomplete = "off";
      input.value = grouped(price(line));
      const hint = document.createElement("span");
      hint.className = "muted";
      hint.textContent = "Enter simpan · Esc batal · kosong = harga daftar";
      box.append(label, input, hint);
      name.append(box);
    } else {
      const alt = document.createElement("button");
      alt.type = "button";
      alt.className = "btn btn-small btn-ghost pos-price-alt";
      alt.dataset.act = "price";
      alt.textContent = `✎ ${rupiah(price(line))}`;
      alt.setAttribute("aria-label", `Ubah harga ${line.product.name}`);
      name.append(alt);
    }
  }

  function editPrice(i) {
    if (!canOverride) { error("Mengubah harga hanya boleh oleh pengurus; minta pengurus mengubahnya."); return; }
    if (!state.lines.length) { error("Keranjang masih kosong."); focusScan(); return; }
    if (!(i >= 0 && i < state.lines.length)) i = state.lines.length - 1;
    state.selected = i;
    state.editing = i;
    error("");
    render();
    const input = $("price-edit");
    input.focus();
    input.select();
  }

  // Take the typed price (true), or say why not and keep the field open (false).
  function commitPrice(text) {
    const line = state.lines[state.editing];
    if (!line) { state.editing = -1; return true; }
    const t = (text || "").trim();
    const value = t === "" ? listPrice(line) : parseAmount(t);
    if (Number.isNaN(value)) {
      error(`Harga ${line.product.name} harus rupiah bulat, mis. 12.500`);
      return false;
    }
    line.price = value === listPrice(line) ? null : value;
    state.editing = -1;
    error("");
    note(line.price == null
      ? `${line.product.name}: harga daftar ${rupiah(listPrice(line))}/${unitOf(line).name}.`
      : `${line.product.name}: harga diubah ${rupiah(listPrice(line))} → ${rupiah(line.price)}/${unitOf(line).name}.`);
    render();
    return true;
  }

  function cancelPrice() {
    state.editing = -1;
    error("");
    render();
  }

  // A pending price field is taken before anything else reads the cart (payment, hold).
  function settlePrice() {
    const input = $("price-edit");
    return !input || commitPrice(input.value);
  }

  function chooseLine(i) {
    if (!state.lines.length) return;
    state.selected = (i + state.lines.length) % state.lines.length;
    cartBody.querySelectorAll("tr[data-idx]").forEach((tr) => {
      const on = Number(tr.dataset.idx) === state.selected;
      tr.classList.toggle("is-selected", on);
      if (on) tr.scrollIntoView({ block: "nearest" });
    });
  }

  function render() {
    if (state.selected >= state.lines.length) state.selected = state.lines.length - 1;
    cartBody.replaceChildren(...state.lines.map(row));
    $("cart-empty").hidden = state.lines.length > 0;
    const t = totals();
    $("t-subtotal").textContent = rupiah(t.gross);
    $("t-discount").textContent = t.discount ? "-" + rupiah(t.discount) : rupiah(0);
    $("t-total").textContent = rupiah(t.total);
    $("t-count").textContent = `${state.lines.length} baris`;
    $("t-tier").textContent = state.member ? "Harga anggota" : "Harga umum";
    const wrap = cartBody.closest(".pos-cart-wrap");
    wrap.scrollTop = wrap.scrollHeight; // the newest line in view, without scrolling the page
    renderTani();
    save();
  }

  function lineEdit(ev) {
    const tr = ev.target.closest("tr[data-idx]");
    if (!tr) return;
    const line = state.lines[Number(tr.dataset.idx)];
    if (ev.target.matches("input.qty")) {
      const q = parseQty(ev.target.value);
      if (!q || milli(q) === 0) { error(`Jumlah ${line.product.name} tidak valid; contoh 2 atau 1,5.`); return; }
      line.qty = q;
    } else if (ev.target.matches("input.disc")) {
      const d = parseAmount(ev.target.value);
      if (Number.isNaN(d)) { error("Diskon harus rupiah bulat, mis. 2.000"); return; }
      line.discount = d;
    } else if (ev.target.matches("select.unit")) {
      line.unitId = Number(ev.target.value);
      if (line.price != null) { line.price = null; note(`${line.product.name}: satuan berubah, harga kembali ke harga daftar.`); }
    } else {
      return;
    }
    error("");
    if (line.product.subsidised) taniError(""); // the panel's figures say whether it fits now
    render();
  }

  cartBody.addEventListener("change", lineEdit);
  cartBody.addEventListener("keydown", (ev) => {
    if (ev.target.matches("input.price")) {
      if (ev.key === "Enter") { ev.preventDefault(); if (commitPrice(ev.target.value)) focusScan(); }
      else if (ev.key === "Escape") { ev.preventDefault(); cancelPrice(); focusScan(); }
      return;
    }
    if (ev.key === "Enter" && ev.target.matches("input")) {
      ev.preventDefault();
      ev.target.blur(); // fires change
      focusScan();
    }
  });
  cartBody.addEventListener("focusout", (ev) => {
    // Leaving the field by mouse or Tab takes the price; a bad one is dropped, with the reason.
    if (!ev.target.matches("input.price") || state.editing < 0) return;
    if (!commitPrice(ev.target.value)) { const msg = $("pos-error").textContent; cancelPrice(); error(msg); }
  });
  cartBody.addEventListener("click", (ev) => {
    const tr = ev.target.closest("tr[data-idx]");
    if (ev.target.closest("[data-act=price]")) { editPrice(Number(tr.dataset.idx)); return; }
    const btn = ev.target.closest("[data-act=remove]");
    if (!btn) {
      if (tr && !ev.target.closest("input, select, button")) chooseLine(Number(tr.dataset.idx));
      return;
    }
    state.lines.splice(Number(btn.closest("tr").dataset.idx), 1);
    render();
    focusScan();
  });

  // --- search and scanning --------------------------------------------------------------

  function setPending(q) {
    state.pendingQty = q;
    const badge = $("pending-qty");
    badge.hidden = !q;
    badge.textContent = q ? `${showQty(q)} ×` : "";
  }

  async function fetchProducts(text, signal) {
    const resp = await fetch(`${urls.search}?q=${encodeURIComponent(text)}`, {
      signal, headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    if (!resp.ok) throw new Error(resp.status === 403 ? "Akses ditolak." : "Pencarian gagal.");
    return resp.json();
  }

  function closeSuggest() {
    suggest.hidden = true;
    suggest.replaceChildren();
    scan.setAttribute("aria-expanded", "false");
    suggestions = [];
    active = -1;
  }

  function showSuggest(items) {
    suggestions = items;
    active = items.length === 1 ? 0 : -1; // Enter takes a single match; of several, the chosen one
    suggest.replaceChildren(...items.map((p, i) => {
      const li = document.createElement("li");
      li.id = `sg-${i}`;
      li.setAttribute("role", "option");
      const u = p.units.find((x) => x.id === p.unit_id) || p.units[0];
      const name = document.createElement("span");
      name.textContent = p.name;
      const meta = document.createElement("span");
      meta.className = "muted small";
      meta.textContent = `${p.sku} · stok ${p.stock} ${p.base_uom}`;
      const fig = document.createElement("span");
      fig.className = "pos-fig";
      fig.textContent = `${rupiah(state.member ? u.price_member : u.price_general)}/${u.name}`;
      li.append(name, meta, fig);
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(i); });
      return li;
    }));
    suggest.hidden = !items.length;
    scan.setAttribute("aria-expanded", items.length ? "true" : "false");
    highlight();
  }

  function highlight() {
    suggest.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
    if (active >= 0) {
      scan.setAttribute("aria-activedescendant", `sg-${active}`);
      const li = $(`sg-${active}`);
      if (li) li.scrollIntoView({ block: "nearest" });
    } else {
      scan.removeAttribute("aria-activedescendant");
    }
  }

  function choose(i) {
    const p = suggestions[i];
    if (!p) return;
    closeSuggest();
    scan.value = "";
    addProduct(p, p.unit_id);
    focusScan();
  }

  async function enter(text, pending) {
    // The quantity belongs to this scan: "3*" typed before it, or "3*code" in one go.
    let qty = pending || "1"; // never a "3*" typed while this scan was on its way
    const m = text.match(/^(\d{1,9}(?:[.,]\d{1,3})?)\*(.+)$/);
    if (m) { qty = parseQty(m[1]) || "1"; text = m[2].trim(); }
    const known = byBarcode.get(text);
    if (known) { addProduct(known.product, known.unitId, qty); return; }
    // A KTP scanned while fertilizer is on the counter is the farmer, not a product.
    if (NIK.test(text) && taniShown()) { lookupFarmer(text); return; }
    try {
      const data = await fetchProducts(text);
      if (data.barcode && data.items.length) {
        byBarcode.set(text, { product: data.items[0], unitId: data.items[0].unit_id });
        addProduct(data.items[0], data.items[0].unit_id, qty);
      } else if (data.items.length === 1 || data.exact) {
        addProduct(data.items[0], data.items[0].unit_id, qty);
      } else if (data.items.length > 1) {
        if (qty !== "1") setPending(qty);
        scan.value = text;
        showSuggest(data.items);
        note("Beberapa barang cocok: pilih dengan ↑ ↓ lalu Enter.");
      } else if (NIK.test(text)) {
        lookupFarmer(text); // no product has that code: a farmer's NIK, scanned first
      } else {
        error(`Barang tidak ditemukan: ${text}`);
      }
    } catch (e) {
      error("Tidak dapat menghubungi server. Periksa sambungan ke komputer kasir, lalu coba lagi.");
    }
  }

  scan.addEventListener("input", () => {
    const text = scan.value.trim();
    const star = text.match(/^(\d{1,9}(?:[.,]\d{1,3})?)\*$/);
    if (star) {
      setPending(parseQty(star[1]));
      scan.value = "";
      closeSuggest();
      return;
    }
    clearTimeout(searchTimer);
    if (text.length < 2 || /^\d{6,}$/.test(text) || text.includes("*")) { closeSuggest(); return; }
    searchTimer = setTimeout(async () => {
      if (searchAbort) searchAbort.abort();
      searchAbort = new AbortController();
      try {
        const data = await fetchProducts(text, searchAbort.signal);
        if (scan.value.trim() === text) showSuggest(data.items);
      } catch (e) { /* a newer keystroke aborted this one, or offline: Enter reports it */ }
    }, 150);
  });

  scan.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" && suggestions.length) {
      ev.preventDefault(); active = (active + 1) % suggestions.length; highlight();
    } else if (ev.key === "ArrowUp" && suggestions.length) {
      ev.preventDefault(); active = (active - 1 + suggestions.length) % suggestions.length; highlight();
    } else if ((ev.key === "ArrowUp" || ev.key === "ArrowDown") && state.lines.length) {
      ev.preventDefault(); // no suggestions open: the arrows choose the cart line F7 acts on
      const down = ev.key === "ArrowDown";
      if (state.selected < 0) chooseLine(down ? 0 : state.lines.length - 1);
      else chooseLine(state.selected + (down ? 1 : -1));
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (!suggest.hidden && active >= 0) { choose(active); return; }
      if (!suggest.hidden && suggestions.length > 1 && scan.value.trim()) {
        note("Beberapa barang cocok: pilih dengan ↑ ↓ lalu Enter, atau klik.");
        return;
      }
      const text = scan.value.trim();
      scan.value = "";
      clearTimeout(searchTimer);
      if (searchAbort) searchAbort.abort();
      closeSuggest();
      if (!text) return;
      const pending = takePending(); // taken now: a "3*" typed later is for a later scan
      queue = queue.then(() => enter(text, pending)); // scans in a burst are added in order
    } else if (ev.key === "Escape") {
      if (!suggest.hidden) closeSuggest(); else { scan.value = ""; setPending(null); }
    }
  });
  scan.addEventListener("blur", () => setTimeout(closeSuggest, 150));

  document.querySelectorAll(".pos-quick-btn").forEach((b) => {
    b.addEventListener("click", () => { addProduct(JSON.parse(b.dataset.product)); focusScan(); });
  });

  // --- member ---------------------------------------------------------------------------

  function setMember(m) {
    state.member = m;
    $("member-card").hidden = !m;
    $("member-find").hidden = !!m;
    $("member-list").hidden = true;
    if (m) {
      $("member-name").textContent = m.name;
      $("member-number").textContent = m.number;
      $("member-room").textContent = rupiah(m.room);
    }
    $("member-q").value = "";
    render();
  }

  async function findMember() {
    const q = $("member-q").value.trim();
    if (q.length < 2) { error("Ketik nomor anggota, NIK, atau paling sedikit 2 huruf nama."); return; }
    try {
      const resp = await fetch(`${urls.member}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
      const data = await resp.json();
      const list = $("member-list");
      if (!data.members.length) { error(`Anggota tidak ditemukan: ${q}`); return; }
      error("");
      if (data.members.length === 1) { setMember(data.members[0]); focusScan(); return; }
      list.replaceChildren(...data.members.map((m) => {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "btn btn-small";
        b.textContent = `${m.number} · ${m.name}${m.desa ? " · " + m.desa : ""}`;
        b.addEventListener("click", () => { setMember(m); focusScan(); });
        li.append(b);
        return li;
      }));
      list.hidden = false;
      list.querySelector("button").focus();
    } catch (e) {
      error("Tidak dapat mencari anggota; coba lagi.");
    }
  }
  $("member-q").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); findMember(); }
    if (ev.key === "Escape") { ev.preventDefault(); $("member-q").value = ""; focusScan(); }
  });


  // --- subsidised fertilizer: the farmer and their quota ---------------------------------
  // The server's checkout rules decide (registered farmer, allocation, quota left, HET, a
  // proxy's letter); this panel shows the farmer and what is left so the cashier can sell
  // within it, and sends the NIK (and proxy) with the payment as the cart's "extra".

  const NIK = /^\d{16}$/;
  const PUPUK_REFUSAL = /petani|kuota|alokasi|HET|kuasa|NIK/i;

  function subsidisedLines() { return state.lines.filter((l) => l.product.subsidised); }
  // LPG 3 kg from a local unit's base: the buyer's NIK goes with the sale (the server checks
  // it and the daily limit per NIK).
  function lpgLines() { return state.lines.filter((l) => l.product.lpg); }
  function taniShown() { return !$("tani").hidden; }
  function kgMilli(line) { // quantity in kg (thousandths) whatever unit the line is sold in
    return Math.round(milli(line.qty) * milli(unitOf(line).factor) / 1000);
  }
  function kgText(m) { // 150000 -> "150", 12500 -> "12,5"
    const w = Math.floor(m / 1000), f = (m % 1000).toString().padStart(3, "0").replace(/0+$/, "");
    return grouped(w) + (f ? "," + f : "");
  }

  function focusNik() {
    state.taniOpen = true;
    renderTani();
    $("tani-nik").focus();
    $("tani-nik").select();
  }

  function taniError(msg) {
    const el = $("tani-error");
    el.textContent = msg;
    el.hidden = !msg;
  }

  function renderTani() {
    const lines = subsidisedLines();
    $("tani").hidden = !(lines.length || state.farmer || state.taniOpen);
    const f = state.farmer;
    $("tani-card").hidden = !f;
    $("tani-find").hidden = !!f;
    if (!f) return;
    $("tani-name").textContent = f.farmer.name;
    $("tani-meta").textContent = [f.farmer.poktan, f.farmer.desa, f.farmer.member_number]
      .filter(Boolean).join(" · ");
    $("tani-season").textContent = `Musim tanam ${f.season}`;
    const inCart = new Map(); // type -> kg (thousandths) in this cart
    lines.forEach((l) => inCart.set(l.product.subsidised, (inCart.get(l.product.subsidised) || 0) + kgMilli(l)));
    const rows = f.allocations.map((a) => {
      const tr = document.createElement("tr");
      tr.dataset.type = a.type;
      const left = milli(a.remaining_kg), want = inCart.get(a.type) || 0;
      inCart.delete(a.type);
      tr.classList.toggle("is-over", want > left);
      const name = document.createElement("td");
      name.textContent = a.label;
      const het = document.createElement("div");
      het.className = "muted small";
      het.textContent = a.het ? `HET ${rupiah(a.het.rp_per_kg)}/kg` : "HET belum ada";
      if (a.het) het.title = `HET ${a.het.text}`;
      name.append(het);
      const rest = document.createElement("td");
      rest.className = "num pos-fig";
      rest.textContent = `${kgText(left)} kg`;
      if (a.sack && a.sack.whole) {
        const sack = document.createElement("div");
        sack.className = "muted small";
        sack.textContent = `${a.sack.whole} ${a.sack.name}` +
          (milli(a.sack.rest_kg) ? ` + ${kgText(milli(a.sack.rest_kg))} kg` : "");
        rest.append(sack);
      }
      const cart = document.createElement("td");
      cart.className = "num pos-fig";
      cart.textContent = want ? `${kgText(want)} kg` : "–";
      tr.append(name, rest, cart);
      return tr;
    });
    inCart.forEach((want, type) => { // fertilizer in the cart the farmer has no allocation of
      const tr = document.createElement("tr");
      tr.className = "is-over";
      const td = document.createElement("td");
      td.colSpan = 2;
      const line = lines.find((l) => l.product.subsidised === type);
      td.textContent = `${line.product.name}: tidak ada alokasi`;
      const cart = document.createElement("td");
      cart.className = "num pos-fig";
      cart.textContent = `${kgText(want)} kg`;
      tr.append(td, cart);
      rows.push(tr);
    });
    $("tani-quota").replaceChildren(...rows);
  }

  async function lookupFarmer(raw) {
    const nik = (raw || "").replace(/\s/g, "");
    state.taniOpen = true;
    renderTani();
    if (!NIK.test(nik)) {
      taniError(`NIK harus 16 angka; yang diisi ${nik.length} karakter.`);
      $("tani-nik").value = nik;
      $("tani-nik").focus();
      return;
    }
    try {
      const resp = await fetch(`${urls.farmer}?nik=${encodeURIComponent(nik)}`, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      let data = {};
      try { data = await resp.json(); } catch (e) { data = { error: `Server menjawab ${resp.status}; coba lagi.` }; }
      if (!resp.ok) {
        state.farmer = null;
        renderTani();
        taniError(data.error || "Petani tidak ditemukan.");
        $("tani-nik").value = nik;
        $("tani-nik").focus();
        return;
      }
      state.farmer = data;
      $("tani-nik").value = "";
      taniError("");
      error("");
      render();
      focusScan();
    } catch (e) {
      taniError("Tidak dapat mencari petani; periksa sambungan lalu coba lagi.");
    }
  }

  // A refusal about the farmer shows in the panel too (it stays after the payment is closed),
  // and the quota is read again: another counter may have taken some of it meanwhile.
  function taniRefused(msg) {
    taniError(msg);
    if (state.farmer) {
      const nik = state.farmer.farmer.nik;
      fetch(`${urls.farmer}?nik=${encodeURIComponent(nik)}`, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : null))
        .then((data) => { if (data && state.farmer && state.farmer.farmer.nik === nik) { state.farmer = data; render(); } })
        .catch(() => { /* the figures on screen stay; the server still decides */ });
    }
  }

  function taniExtra() {
    const extra = { farmer_nik: state.farmer.farmer.nik };
    if (state.proxy.on) {
      extra.proxy_nik = state.proxy.nik;
      extra.proxy_name = state.proxy.name;
      extra.proxy_letter = state.proxy.letter;
    }
    return extra;
  }

  function setProxy(p) {
    state.proxy = { on: false, nik: "", name: "", letter: "", ...(p || {}) };
    $("tani-proxy").checked = state.proxy.on;
    $("tani-proxy-box").hidden = !state.proxy.on;
    $("proxy-nik").value = state.proxy.nik;
    $("proxy-name").value = state.proxy.name;
    $("proxy-letter").value = state.proxy.letter;
  }

  function clearTani() {
    state.farmer = null;
    state.taniOpen = false;
    setProxy(null);
    $("tani-nik").value = "";
    taniError("");
  }

  $("tani-nik").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); lookupFarmer($("tani-nik").value); }
    if (ev.key === "Escape") { ev.preventDefault(); $("tani-nik").value = ""; taniError(""); focusScan(); }
  });
  $("tani-proxy").addEventListener("change", () => {
    state.proxy.on = $("tani-proxy").checked;
    $("tani-proxy-box").hidden = !state.proxy.on;
    if (state.proxy.on) $("proxy-nik").focus();
    save();
  });
  $("tani-proxy-box").addEventListener("input", () => {
    state.proxy.nik = $("proxy-nik").value.trim();
    state.proxy.name = $("proxy-name").value.trim();
    state.proxy.letter = $("proxy-letter").value.trim();
    save();
  });
  $("tani-proxy-box").addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { ev.preventDefault(); focusScan(); }
  });

  // --- hold and recall (this browser only) ----------------------------------------------

  function snapshot() {
    return {
      lines: state.lines, member: state.member, key: state.key, at: Date.now(),
      farmer: state.farmer, proxy: state.proxy,
    };
  }
  function heldList() {
    try { return JSON.parse(localStorage.getItem(heldKey) || "[]"); } catch (e) { return []; }
  }
  function setHeld(list) {
    localStorage.setItem(heldKey, JSON.stringify(list));
    $("held-count").textContent = list.length;
  }
  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(snapshot())); } catch (e) { /* full */ }
  }
  function restore(snap) {
    state.lines = snap.lines || [];
    state.selected = state.lines.length - 1;
    state.editing = -1;
    state.key = snap.key || newKey();
    state.receiptDiscount = 0;
    state.farmer = snap.farmer || null;
    setProxy(snap.proxy || null);
    setMember(snap.member || null);
  }
  function reset() {
    state.lines = [];
    state.selected = -1;
    state.editing = -1;
    state.key = newKey();
    state.receiptDiscount = 0;
    scan.value = "";
    setPending(null);
    clearTani();
    setMember(null);
    error("");
  }

  function hold() {
    if (!settlePrice()) return;
    if (!state.lines.length) { error("Keranjang kosong; tidak ada yang ditahan."); return; }
    const list = heldList();
    list.push(snapshot());
    setHeld(list);
    reset();
    note(`Keranjang ditahan (${list.length}). Tekan F5 untuk memanggilnya kembali.`);
    focusScan();
  }

  function recall() {
    const list = heldList();
    if (!list.length) { error("Tidak ada keranjang yang ditahan."); return; }
    const ul = $("held-list");
    ul.replaceChildren(...list.map((snap, i) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "btn";
      const when = new Date(snap.at).toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit" });
      const who = snap.member ? ` · ${snap.member.name}` : "";
      b.textContent = `${when} · ${snap.lines.length} baris${who}: ${snap.lines.map((l) => l.product.name).join(", ").slice(0, 60)}`;
      b.addEventListener("click", () => {
        const rest = heldList();
        const [taken] = rest.splice(i, 1);
        if (state.lines.length) rest.push(snapshot()); // the cart on screen is held, not lost
        setHeld(rest);
        heldDialog.close();
        restore(taken);
        note("Keranjang dipanggil kembali.");
        focusScan();
      });
      li.append(b);
      return li;
    }));
    heldDialog.showModal();
    ul.querySelector("button").focus();
  }
  heldDialog.addEventListener("close", focusScan);

  // --- payment --------------------------------------------------------------------------

  const pay = {
    cash: $("pay-cash"), qris: $("pay-qris"), qrisRef: $("pay-qris-ref"),
    transfer: $("pay-transfer"), transferRef: $("pay-transfer-ref"), credit: $("pay-credit"),
    discount: $("pay-discount"), user: $("approver-user"), pass: $("approver-pass"),
  };

  function payFigures() {
    const v = (el) => parseAmount(el.value);
    state.receiptDiscount = Number.isNaN(v(pay.discount)) ? 0 : v(pay.discount);
    const t = totals();
    const cash = v(pay.cash), nonCash = v(pay.qris) + v(pay.transfer) + v(pay.credit);
    return { total: t.total, net: t.net, cash, nonCash, paid: cash + nonCash };
  }

  function payUpdate() {
    const f = payFigures();
    $("pay-total").textContent = rupiah(f.total);
    if ([f.cash, f.nonCash].some(Number.isNaN)) {
      $("pay-due-label").textContent = "Periksa jumlah";
      $("pay-due").textContent = "—";
      return;
    }
    $("pay-paid").textContent = rupiah(f.paid);
    const due = f.total - f.paid;
    $("pay-due-label").textContent = due > 0 ? "Kurang" : "Kembali";
    $("pay-due").textContent = rupiah(Math.abs(due));
    $("pay-due").parentElement.classList.toggle("is-short", due > 0);
    const overLimit = state.lines.some((l) => l.discount * 100 > gross(l) * discountLimit) ||
      state.receiptDiscount * 100 > f.net * discountLimit;
    if (overLimit) $("approver-box").hidden = false;
    render();
  }

  function openPay() {
    if (!settlePrice()) return;
    if (!state.lines.length) { error("Keranjang masih kosong."); focusScan(); return; }
    if (dialogOpen()) return;
    if (subsidisedLines().length && !state.farmer) {
      error("Pupuk bersubsidi hanya untuk petani terdaftar: isi NIK petani (F6).");
      focusNik();
      return;
    }
    $("pay-form").hidden = false;
    $("pay-done").hidden = true;
    error("", $("pay-error"));
    ["cash", "qris", "qrisRef", "transfer", "transferRef", "credit", "user", "pass"].forEach((k) => { pay[k].value = ""; });
    pay.discount.value = state.receiptDiscount ? state.receiptDiscount.toLocaleString("id-ID") : "";
    $("approver-box").hidden = true;
    const hasLpg = lpgLines().length > 0;
    document.querySelectorAll(".lpg-only").forEach((el) => { el.hidden = !hasLpg; });
    $("pay-lpg-nik").value = "";
    $("pay-lpg-name").value = "";
    pay.credit.disabled = !state.member;
    $("pay-credit-help").textContent = state.member
      ? `Sisa plafon ${rupiah(state.member.room)}`
      : "Pilih anggota dulu (F2).";
    payUpdate();
    payDialog.showModal();
    pay.cash.focus();
  }

  payDialog.addEventListener("input", payUpdate);
  // The next sale starts before the dialog closes (its "close" event comes later, and a scan
  // typed meanwhile into the barcode field, which has the focus back already, was wiped).
  function finishSale() { if (!$("pay-done").hidden) newSale(); }
  payDialog.addEventListener("cancel", finishSale);
  payDialog.addEventListener("close", () => {
    finishSale();
    focusScan();
  });
  // A button pressed with the mouse must not take the caret into the dialog: once the dialog
  // closed, Chrome left it there and the next scan typed into nothing, although the barcode
  // field reported the focus. The click itself still happens.
  payDialog.addEventListener("mousedown", (ev) => { if (ev.target.closest("button")) ev.preventDefault(); });
  payDialog.querySelectorAll("[data-cash]").forEach((b) => {
    b.addEventListener("click", () => {
      const f = payFigures();
      const want = b.dataset.cash === "exact" ? Math.max(f.total - f.nonCash, 0) : Number(b.dataset.cash);
      pay.cash.value = want.toLocaleString("id-ID");
      payUpdate();
      pay.cash.focus();
    });
  });

  $("pay-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return; // a double click or a second Enter never sends twice
    const f = payFigures();
    if ([f.cash, f.nonCash, state.receiptDiscount].some(Number.isNaN)) {
      error("Jumlah pembayaran harus rupiah bulat, mis. 50.000", $("pay-error")); return;
    }
    if (f.paid < f.total) { error(`Pembayaran kurang ${rupiah(f.total - f.paid)}.`, $("pay-error")); return; }
    const payments = [
      { method: "tunai", amount: f.cash, reference: "" },
      { method: "qris", amount: parseAmount(pay.qris.value), reference: pay.qrisRef.value.trim() },
      { method: "transfer", amount: parseAmount(pay.transfer.value), reference: pay.transferRef.value.trim() },
      { method: "kredit", amount: parseAmount(pay.credit.value), reference: "" },
    ].filter((p) => p.amount > 0);
    const body = {
      lines: state.lines.map((l) => ({
        item_id: l.product.id, item_unit_id: l.unitId, qty: l.qty, discount: l.discount,
        ...(l.price != null ? { price: l.price } : {}),
      })),
      payments,
      member_id: state.member ? state.member.id : null,
      receipt_discount: state.receiptDiscount,
      idempotency_key: state.key,
    };
    if (subsidisedLines().length && state.farmer) body.extra = taniExtra();
    if (lpgLines().length) {
      const nik = $("pay-lpg-nik").value.replace(/\D/g, "");
      if (nik.length !== 16) {
        error("LPG 3 kg hanya dijual dengan NIK pembeli: isi 16 digit NIK.", $("pay-error"));
        $("pay-lpg-nik").focus();
        return;
      }
      body.extra = { ...(body.extra || {}), nik, buyer_name: $("pay-lpg-name").value.trim() };
    }
    if (pay.user.value.trim()) body.approver = { username: pay.user.value.trim(), password: pay.pass.value };
    busy = true;
    $("pay-submit").disabled = true;
    error("", $("pay-error"));
    try {
      const resp = await fetch(urls.checkout, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body),
      });
      let data = {};
      try { data = await resp.json(); } catch (e) { data = { error: `Server menjawab ${resp.status}; coba lagi.` }; }
      if (!resp.ok) {
        if (resp.status === 403) { $("approver-box").hidden = false; pay.pass.value = ""; }
        error(data.error || "Transaksi ditolak.", $("pay-error"));
        // "Baris 2: ..." names a cart line: choose it, so F7 after Esc goes straight to it.
        if (subsidisedLines().length && PUPUK_REFUSAL.test(data.error || "")) taniRefused(data.error);
        const named = /^Baris (\d+)/.exec(data.error || "");
        if (named && Number(named[1]) <= state.lines.length) { state.selected = Number(named[1]) - 1; render(); }
        if (resp.status === 403) (pay.user.value ? pay.pass : pay.user).focus();
        return;
      }
      done(data);
    } catch (e) {
      error("Tidak dapat menghubungi server. Coba lagi: transaksi tidak akan tercatat dua kali.", $("pay-error"));
    } finally {
      busy = false;
      $("pay-submit").disabled = false;
    }
  });

  function done(data) {
    $("pay-form").hidden = true;
    $("pay-done").hidden = false;
    $("done-number").textContent = data.number;
    $("done-total").textContent = rupiah(data.total);
    $("done-change").textContent = rupiah(data.change);
    $("done-58").href = data.receipt_url;
    $("done-80").href = data.receipt_url_80;
    $("done-detail").href = data.detail_url;
    state.lines = [];
    state.key = null; // this cart is sold; the next one gets its own key
    clearTani(); // the next buyer is someone else: their NIK, their quota
    render();
    localStorage.removeItem(storeKey);
    $("done-new").focus();
  }

  function newSale() {
    $("pay-done").hidden = true;
    reset();
    note("Siap untuk transaksi baru.");
  }

  // --- keys and buttons -----------------------------------------------------------------

  const actions = {
    add: () => scan.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" })),
    member: findMember,
    "member-clear": () => { setMember(null); focusScan(); },
    tani: () => lookupFarmer($("tani-nik").value),
    "tani-clear": () => { state.farmer = null; render(); focusNik(); },
    pay: openPay,
    hold, recall,
    clear: () => {
      if (state.lines.length && !window.confirm("Kosongkan keranjang ini?")) return;
      reset(); focusScan();
    },
    "close-pay": () => payDialog.close(),
    "close-held": () => heldDialog.close(),
    new: () => { finishSale(); payDialog.close(); },
  };
  document.addEventListener("click", (ev) => {
    const btn = ev.target.closest("[data-act]");
    if (btn && actions[btn.dataset.act] && btn.dataset.act !== "remove") {
      actions[btn.dataset.act]();
      return;
    }
    // A click on an empty part of the screen gives the scanner its field back.
    if (!ev.target.closest("input, select, textarea, button, a, dialog, label")) focusScan();
  });

  document.addEventListener("keydown", (ev) => {
    if (ev.key === "F2") { ev.preventDefault(); if (!dialogOpen()) { if (state.member) setMember(null); $("member-q").focus(); } }
    else if (ev.key === "F4") { ev.preventDefault(); if (!dialogOpen()) hold(); }
    else if (ev.key === "F5") { ev.preventDefault(); if (!dialogOpen()) recall(); }
    else if (ev.key === "F6") { ev.preventDefault(); if (!dialogOpen()) focusNik(); }
    else if (ev.key === "F7") { ev.preventDefault(); if (!dialogOpen()) editPrice(state.selected); }
    else if (ev.key === "F9") { ev.preventDefault(); openPay(); }
    else if (ev.key.length === 1 && !ev.ctrlKey && !ev.altKey && !ev.metaKey && !dialogOpen() &&
             !ev.target.closest("input, select, textarea")) {
      scan.focus(); // a scanner typing into nowhere types into the barcode field
    }
  });

  // --- start ----------------------------------------------------------------------------

  setHeld(heldList());
  try {
    const saved = JSON.parse(localStorage.getItem(storeKey) || "null");
    if (saved && saved.lines && saved.lines.length) { restore(saved); note("Keranjang sebelumnya dipulihkan."); }
  } catch (e) { /* a broken saved cart is dropped */ }
  render();
  focusScan();
})();

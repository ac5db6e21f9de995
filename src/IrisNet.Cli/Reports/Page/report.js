// irisnet report: the page's charts, drawn with the vendored uPlot from the data this file carries.
// report-meta (JSON) names the curve sets and the columns each has; report-series holds the columns'
// float64 values, packed by PageData.Pack (delta-coded bit patterns in byte planes, gzip'd, base64).
// Nothing is fetched: the page works from file:// with no network.
(function () {
  "use strict";
  const meta = JSON.parse(document.getElementById("report-meta").textContent);
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf"];
  // What each chart draws: [column, metric kind]; a kind is toggled as a whole across sets and charts.
  const CHARTS = {
    loss: { columns: [["train_loss", "train"], ["test_loss", "test"], ["val_loss", "validation"]],
      y: "loss (mean cross-entropy)", logY: true },
    accuracy: { columns: [["train_accuracy", "train"], ["test_accuracy", "test"], ["val_accuracy", "validation"]],
      y: "accuracy", logY: false },
    lr: { columns: [["lr", "lr"]], y: "learning rate η", logY: true },
  };
  const KIND = {
    train: { name: "train", color: 0, dash: [] },
    test: { name: meta.testName, color: 1, dash: [7, 4] },
    validation: { name: "validation", color: 2, dash: [2, 3] },
    lr: { name: "learning rate", color: 4, dash: [] },
  };
  // Whole-epoch tick steps for the linear epoch axis: 1, 2, 5, 10, 20, 50, ….
  const EPOCH_STEPS = [];
  for (let m = 1; m < 1e10; m *= 10) EPOCH_STEPS.push(m, 2 * m, 5 * m);
  const state = { smoothing: 0, logX: false, logY: false, hiddenKinds: new Set(), hiddenSets: new Set(),
    selected: meta.sets.map((s, i) => i).filter(i => meta.sets[i].shown) };
  const charts = {};
  let series = null;

  function fail(e) {
    const box = document.getElementById("report-error");
    box.hidden = false;
    box.textContent = "The charts could not be drawn: " + e;
    throw e;
  }

  async function inflate(base64) {
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // Undoes PageData.Pack for one column of n values at offset: gathers each value's 8 bytes from the 8
  // planes, adds the deltas up as unsigned 64-bit integers (in two 32-bit halves, with the carry), and
  // reads the sums as little-endian float64 bit patterns.
  function unpack(bytes, offset, n) {
    const view = new DataView(new ArrayBuffer(8 * n));
    let lo = 0, hi = 0;
    for (let i = 0; i < n; i++) {
      let dlo = 0, dhi = 0;
      for (let k = 0; k < 4; k++) {
        dlo |= bytes[offset + k * n + i] << (8 * k);
        dhi |= bytes[offset + (k + 4) * n + i] << (8 * k);
      }
      const sum = lo + (dlo >>> 0);
      lo = sum >>> 0;
      hi = (hi + (dhi >>> 0) + (sum > 0xFFFFFFFF ? 1 : 0)) >>> 0;
      view.setUint32(8 * i, lo, true);
      view.setUint32(8 * i + 4, hi, true);
    }
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
    return out;
  }

  function decode(bytes) {
    let offset = 0;
    const sets = meta.sets.map(s => {
      const set = {};
      for (const column of s.columns) {
        set[column] = unpack(bytes, offset, s.rows);
        offset += 8 * s.rows;
      }
      return set;
    });
    if (offset !== bytes.length) throw new Error("report-series holds " + bytes.length + " bytes, not " + offset);
    return { sets };
  }

  // The exponential moving average of TensorBoard's scalar charts, debiased: the average starts at 0,
  // and dividing by 1 − w^n (n = finite points so far) removes the pull towards 0 of the first points.
  // Non-finite and missing points pass through unsmoothed and do not advance the average.
  function smooth(values, w) {
    if (w <= 0) return values;
    const out = new Array(values.length);
    const finite = values.filter(v => v != null && Number.isFinite(v));
    const constant = finite.every(v => v === finite[0]);
    let last = 0, n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v == null || !Number.isFinite(v) || constant) { out[i] = v; continue; }
      last = last * w + (1 - w) * v;
      n++;
      out[i] = last / (w === 1 ? 1 : 1 - Math.pow(w, n));
    }
    return out;
  }

  // The sets a chart draws: a sweep's selected configurations, or every set.
  function setsInPlay() {
    return meta.kind === "sweep" ? state.selected : meta.sets.map((s, i) => i);
  }

  function colorOf(setPosition, kind, many) {
    return PALETTE[(many ? setPosition : KIND[kind].color) % PALETTE.length];
  }

  function faint(hex) {
    return hex + "44";
  }

  // One table per set ([epochs, column, column, ...]), joined on the epoch when there are several.
  function table(key) {
    const cols = [];
    const tables = [];
    setsInPlay().forEach((s, position) => {
      const data = series.sets[s];
      const t = [data.epoch];
      for (const [column, kind] of CHARTS[key].columns) {
        if (!data[column]) continue;
        // The learning rate is drawn only where it changes (as on loss.png): a constant rate is in the options.
        if (key === "lr" && data[column].every(v => v === data[column][0])) continue;
        t.push(data[column]);
        cols.push({ set: s, position, column, kind });
      }
      if (t.length > 1) tables.push(t);
    });
    if (tables.length === 0) return null;
    const joined = tables.length === 1 ? tables[0] : uPlot.join(tables);
    return { x: joined[0], raw: joined.slice(1), cols };
  }

  function shown(col) {
    return !state.hiddenKinds.has(col.kind) && !state.hiddenSets.has(col.set);
  }

  function label(col, many) {
    const kind = KIND[col.kind].name;
    return many ? meta.sets[col.set].label + " · " + kind : kind;
  }

  // uPlot's data: x, then for each column its raw curve (faint) and its smoothed curve; on a log axis the
  // values ≤ 0 and non-finite values are left out of the drawing (the readout still shows them).
  function aligned(t, logY) {
    const keep = logY ? v => (v != null && v > 0 && Number.isFinite(v) ? v : null)
      : v => (v != null && Number.isFinite(v) ? v : null);
    const data = [t.x];
    for (const raw of t.raw) {
      const drawn = raw.map(keep);
      data.push(drawn, smooth(drawn, state.smoothing));
    }
    return data;
  }

  function build(key) {
    const holder = document.getElementById("chart-" + key);
    if (!holder) return;
    if (charts[key]) { charts[key].destroy(); delete charts[key]; }
    const t = table(key);
    holder.hidden = t === null;
    document.getElementById("readout-" + key).hidden = t === null;
    if (t === null) return;
    const many = setsInPlay().length > 1;
    const logY = state.logY && CHARTS[key].logY;
    const uSeries = [{ label: "epoch" }];
    for (const col of t.cols) {
      col.color = colorOf(col.position, col.kind, many);
      const dash = many ? KIND[col.kind].dash : [];
      uSeries.push({ label: label(col, many) + " (raw)", stroke: faint(col.color), width: 1, dash, spanGaps: true,
        show: shown(col) && state.smoothing > 0, points: { show: false } });
      uSeries.push({ label: label(col, many), stroke: col.color, width: 1.5, dash, spanGaps: true, show: shown(col),
        points: { show: false } });
    }
    const width = Math.max(320, holder.clientWidth || document.body.clientWidth - 40);
    const opts = {
      width, height: 300,
      legend: { show: false },
      // The epoch axis spans the epochs exactly (a log axis would otherwise round out to whole decades).
      scales: { x: { time: false, distr: state.logX ? 3 : 1, range: (u, min, max) => [min, max] },
        y: { distr: logY ? 3 : 1 } },
      axes: [state.logX ? { label: "epoch" } : { label: "epoch", incrs: EPOCH_STEPS },
        { label: CHARTS[key].y + (logY ? " (log)" : ""), size: 70 }],
      series: uSeries,
      cursor: { sync: { key: "irisnet", setSeries: false }, drag: { x: true, y: false } },
      hooks: {
        setCursor: [u => readout(key, u)],
        setScale: [(u, scale) => { if (scale === "x") syncZoom(key, u); }],
        draw: [() => drawn(key)],
      },
    };
    const u = new uPlot(opts, aligned(t, logY), holder);
    u.irisnet = { t, many, logY };
    charts[key] = u;
    readout(key, u);
  }

  const pendingDraws = new Set();
  function drawn(key) {
    pendingDraws.delete(key);
    if (pendingDraws.size === 0 && !document.documentElement.dataset.drawn) {
      document.documentElement.dataset.drawnMs = performance.now().toFixed(1);
      document.documentElement.dataset.drawn = "true";
    }
  }

  let syncing = false;
  function syncZoom(key, u) {
    if (syncing) return;
    syncing = true;
    for (const other of Object.keys(charts)) {
      const o = charts[other];
      if (other !== key && (o.scales.x.min !== u.scales.x.min || o.scales.x.max !== u.scales.x.max)) {
        o.setScale("x", { min: u.scales.x.min, max: u.scales.x.max });
      }
    }
    syncing = false;
  }

  function format(v) {
    return v === undefined || v === null ? "—" : String(v); // shortest round-trip text, as in metrics.csv
  }

  // The hover readout: the epoch under the cursor and each shown curve's value there, exactly as
  // recorded (and its smoothed value while smoothing is on).
  function readout(key, u) {
    const box = document.getElementById("readout-" + key);
    const idx = u.cursor.idx;
    const t = u.irisnet.t;
    box.replaceChildren();
    const head = document.createElement("div");
    head.className = "readout-epoch";
    head.textContent = idx == null ? "Hover a chart to read values; drag to zoom, double-click to reset."
      : "epoch " + t.x[idx];
    box.append(head);
    if (idx == null) return;
    t.cols.forEach((col, c) => {
      if (!shown(col)) return;
      const row = document.createElement("div");
      row.className = "readout-row";
      row.dataset.set = String(col.set);
      row.dataset.kind = col.kind;
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = col.color;
      const name = document.createElement("span");
      name.className = "readout-name";
      name.textContent = label(col, u.irisnet.many);
      const value = document.createElement("span");
      value.className = "readout-value";
      value.textContent = format(t.raw[c][idx]);
      row.append(swatch, name, value);
      if (state.smoothing > 0) {
        const s = document.createElement("span");
        s.className = "readout-smoothed";
        const v = u.data[2 + 2 * c][idx];
        s.textContent = v == null ? "" : "smoothed " + v.toPrecision(6);
        row.append(s);
      }
      box.append(row);
    });
  }

  function buildAll() {
    for (const key of Object.keys(CHARTS)) pendingDraws.add(key);
    for (const key of Object.keys(CHARTS)) build(key);
    for (const key of Object.keys(CHARTS)) if (!charts[key]) pendingDraws.delete(key);
    drawn("");
  }

  function applyVisibility() {
    for (const key of Object.keys(charts)) {
      const u = charts[key];
      u.batch(() => u.irisnet.t.cols.forEach((col, c) => {
        u.setSeries(1 + 2 * c, { show: shown(col) && state.smoothing > 0 });
        u.setSeries(2 + 2 * c, { show: shown(col) });
      }));
      readout(key, u);
    }
  }

  function resmooth() {
    for (const key of Object.keys(charts)) {
      const u = charts[key];
      const x = u.scales.x;
      const keep = { min: x.min, max: x.max };
      u.setData(aligned(u.irisnet.t, u.irisnet.logY), false);
      u.setScale("x", keep);
    }
    applyVisibility();
  }

  function resetZoom() {
    for (const key of Object.keys(charts)) {
      const u = charts[key];
      const x = u.data[0];
      u.setScale("x", { min: x[0], max: x[x.length - 1] });
    }
  }

  function checkbox(holder, text, checked, onChange, color) {
    const labelEl = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.checked = checked;
    input.addEventListener("change", () => onChange(input.checked));
    labelEl.append(input);
    if (color) {
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = color;
      labelEl.append(swatch);
    }
    labelEl.append(document.createTextNode(text));
    holder.append(labelEl);
    return input;
  }

  function controls() {
    const slider = document.getElementById("smoothing");
    const shownValue = document.getElementById("smoothing-value");
    slider.addEventListener("input", () => {
      state.smoothing = Number(slider.value);
      shownValue.textContent = state.smoothing.toFixed(3);
      resmooth();
    });
    document.getElementById("log-x").addEventListener("change", e => { state.logX = e.target.checked; buildAll(); });
    document.getElementById("log-y").addEventListener("change", e => { state.logY = e.target.checked; buildAll(); });
    document.getElementById("reset-zoom").addEventListener("click", resetZoom);
    const kinds = document.getElementById("kind-toggles");
    const present = new Set();
    for (const s of series.sets) for (const [column, kind] of CHARTS.loss.columns) if (s[column]) present.add(kind);
    for (const kind of ["train", "test", "validation"]) {
      if (!present.has(kind)) continue;
      const input = checkbox(kinds, KIND[kind].name, true, on => {
        if (on) state.hiddenKinds.delete(kind); else state.hiddenKinds.add(kind);
        applyVisibility();
      }, meta.sets.length === 1 ? PALETTE[KIND[kind].color] : null);
      input.dataset.kind = kind;
    }
    const sets = document.getElementById("set-toggles");
    if (meta.kind !== "sweep" && meta.sets.length > 1) {
      meta.sets.forEach((s, i) => {
        if (!s.shown) state.hiddenSets.add(i);
        const input = checkbox(sets, s.label, s.shown, on => {
          if (on) state.hiddenSets.delete(i); else state.hiddenSets.add(i);
          applyVisibility();
        }, PALETTE[i % PALETTE.length]);
        input.dataset.set = String(i);
      });
    } else {
      sets.hidden = true;
    }
  }

  // A sweep's leaderboard: a click on a heading sorts by it; a click on a row shows that configuration's
  // curves, and a Ctrl-, Cmd- or Shift-click adds it to (or removes it from) the curves shown.
  function leaderboard() {
    const board = document.getElementById("leaderboard");
    if (!board) return;
    const body = board.tBodies[0];
    board.querySelectorAll("thead th").forEach((th, column) => {
      th.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        board.querySelectorAll("thead th").forEach(h => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const rows = Array.from(body.rows);
        const key = r => r.cells[column].dataset.sort ?? r.cells[column].textContent;
        const numeric = rows.every(r => r.cells[column].dataset.sort !== undefined);
        rows.sort((a, b) => {
          const d = numeric ? Number(key(a)) - Number(key(b)) : key(a).localeCompare(key(b));
          return ascending ? d : -d;
        });
        body.append(...rows);
      });
    });
    const mark = () => {
      for (const r of body.rows) {
        const on = state.selected.includes(Number(r.dataset.set));
        r.classList.toggle("selected", on);
        r.setAttribute("aria-selected", String(on));
      }
    };
    body.addEventListener("click", e => {
      const row = e.target.closest("tr");
      if (!row) return;
      const s = Number(row.dataset.set);
      if (e.ctrlKey || e.metaKey || e.shiftKey) {
        state.selected = state.selected.includes(s) ? state.selected.filter(x => x !== s) : state.selected.concat([s]);
        if (state.selected.length === 0) state.selected = [s];
      } else {
        state.selected = [s];
      }
      mark();
      buildAll();
    });
    mark();
  }

  window.addEventListener("resize", () => {
    for (const key of Object.keys(charts)) {
      const holder = document.getElementById("chart-" + key);
      charts[key].setSize({ width: Math.max(320, holder.clientWidth), height: 300 });
    }
  });

  inflate(document.getElementById("report-series").textContent.trim()).then(bytes => {
    series = decode(bytes);
    controls();
    leaderboard();
    buildAll();
    window.irisReport = { charts, state, meta, series };
  }).catch(fail);
})();

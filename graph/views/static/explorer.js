/* policykg explorer. Every string from documents reaches the page through textContent or the canvas, never as HTML. */
(function () {
  "use strict";

  var STRINGS = {
    zh: {
      search: "搜索实体（名称、别名、拼音）", noResults: "无匹配", year: "年份", allYears: "全部年份",
      related: "共现关系", relax: "重新布局", reset: "重置", laying: "正在布局…",
      shown: "显示 {shown} / {nodes} 个实体", total: "（图中共 {total} 个）", focus: "焦点：{labels}（{hops} 跳）",
      completed: "已完成", ongoing: "进行中", planned: "计划", unspecified: "未标注",
      cls: "类别", aliases: "别名", pinyin: "拼音", code: "区划代码", iri: "IRI", value: "数值", kind: "类型",
      status: "状态", facts: "关系", cooccur: "同句共现（{n}）", indicators: "指标", evidence: "出处",
      sources: "出处句子（{n}）", none: "无", neighbourhood: "只看邻域", close: "关闭", more: "另有 {n} 条",
      empty: "图中没有实体", actual: "实际", target: "目标"
    },
    en: {
      search: "Search entities (name, alias, pinyin)", noResults: "No match", year: "Year", allYears: "All years",
      related: "Co-occurrence", relax: "Relax layout", reset: "Reset", laying: "Laying out…",
      shown: "{shown} / {nodes} entities shown", total: " ({total} in the graph)", focus: "Focus: {labels} ({hops} hops)",
      completed: "completed", ongoing: "ongoing", planned: "planned", unspecified: "unspecified",
      cls: "Class", aliases: "Aliases", pinyin: "Pinyin", code: "Division code", iri: "IRI", value: "Value",
      kind: "Kind", status: "Status", facts: "Facts", cooccur: "Same-sentence co-occurrence ({n})",
      indicators: "Indicators", evidence: "Evidence", sources: "Evidence sentences ({n})", none: "none",
      neighbourhood: "Show neighbourhood", close: "Close", more: "{n} more", empty: "The graph has no entities",
      actual: "actual", target: "target"
    }
  };
  var SYMBOLS = { dot: "●", diamond: "◆", square: "■", triangle: "▲", star: "★", hexagon: "⬢",
    triangleDown: "▼", box: "▬" };
  var EVIDENCE_SHOWN = 3;

  var DATA = JSON.parse(document.getElementById("pk-data").textContent);
  var META = DATA.meta;
  var T = STRINGS[META.lang] || STRINGS.en;
  var byId = new Map();
  var outgoing = new Map();
  var incoming = new Map();
  DATA.nodes.forEach(function (n) {
    byId.set(n.id, n);
    outgoing.set(n.id, []);
    incoming.set(n.id, []);
    n.search = [n.label].concat(n.pk.aliases).map(norm);
    n.searchPinyin = norm(n.pk.pinyin);
  });
  DATA.edges.forEach(function (e) {
    outgoing.get(e.from).push(e);
    incoming.get(e.to).push(e);
  });

  var state = {
    classes: new Set(DATA.classes.map(function (c) { return c.name; })),
    statuses: new Set(DATA.statuses.concat(["unspecified"])),
    year: "",
    related: !!META.related,
    neighbourhood: null
  };

  function norm(s) { return String(s || "").replace(/\s+/g, "").toLowerCase(); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : String(values[k]); });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function statusLabel(s) { return s ? (T[s] || s) : ""; }
  function byKey(id) { return document.getElementById(id); }

  /* ------------------------------------------------------------ the network */

  var container = byKey("network");
  var visNodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var item = {};
    Object.keys(n).forEach(function (k) { if (k !== "pk" && k !== "search" && k !== "searchPinyin") item[k] = n[k]; });
    return item;
  }));
  var visEdges = new vis.DataSet(DATA.edges.map(function (e) {
    var item = {};
    Object.keys(e).forEach(function (k) { if (k !== "pk") item[k] = e[k]; });
    return item;
  }));
  var api = window.policykg = {
    data: DATA, nodes: visNodes, edges: visEdges, network: null, ready: false,
    select: select, search: search, visibleNodeCount: visibleNodeCount
  };

  function markReady() {
    if (api.ready) return;
    api.ready = true;
    byKey("loading").hidden = true;
    document.documentElement.setAttribute("data-ready", "true");
  }

  if (!DATA.nodes.length) {
    container.appendChild(el("p", "empty", T.empty));
  }
  var network = api.network = new vis.Network(container, { nodes: visNodes, edges: visEdges }, DATA.options);
  if (META.physics) {
    byKey("loading").hidden = false;
    byKey("loading-text").textContent = T.laying;
    network.on("stabilizationProgress", function (p) {
      byKey("loading-bar").value = Math.round(100 * p.iterations / p.total);
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
    network.fit();
  }

  network.on("click", function (params) {
    if (params.nodes.length) showPanel(params.nodes[0]);
    else if (!params.edges.length) hidePanel();
  });

  /* ------------------------------------------------------------ filters */

  function statusOk(list) {
    if (!list.length) return state.statuses.has("unspecified");
    return list.some(function (s) { return state.statuses.has(s); });
  }
  function yearOk(list) { return !state.year || list.indexOf(state.year) >= 0; }
  function nodeVisible(n) {
    return state.classes.has(n.pk.type) && statusOk(n.pk.st) && yearOk(n.pk.yr) &&
      (!state.neighbourhood || state.neighbourhood.has(n.id));
  }
  var visible = new Map();

  function applyFilters() {
    var nodeUpdates = [];
    DATA.nodes.forEach(function (n) {
      var v = nodeVisible(n);
      if (visible.get(n.id) !== v) nodeUpdates.push({ id: n.id, hidden: !v });
      visible.set(n.id, v);
    });
    var edgeUpdates = [];
    DATA.edges.forEach(function (e) {
      var v = visible.get(e.from) && visible.get(e.to) && (!e.pk.rel || state.related) &&
        (e.pk.rel || (statusOk(e.pk.st ? [e.pk.st] : []) && yearOk(e.pk.y ? [e.pk.y] : [])));
      if (e.hidden !== !v) { e.hidden = !v; edgeUpdates.push({ id: e.id, hidden: !v }); }
    });
    if (nodeUpdates.length) visNodes.update(nodeUpdates);
    if (edgeUpdates.length) visEdges.update(edgeUpdates);
    updateCount();
  }
  function visibleNodeCount() {
    var n = 0;
    visible.forEach(function (v) { if (v) n += 1; });
    return n;
  }
  function updateCount() {
    var text = fill(T.shown, { shown: visibleNodeCount(), nodes: META.nodes });
    if (META.total > META.nodes) text += fill(T.total, { total: META.total });
    if (META.focus.length) text += " · " + fill(T.focus, { labels: META.focus.join("、"), hops: META.hops });
    byKey("count").textContent = text;
  }

  function buildToolbar() {
    var search = byKey("search");
    search.placeholder = T.search;
    search.setAttribute("aria-label", T.search);
    var box = byKey("status-filter");
    DATA.statuses.concat(["unspecified"]).forEach(function (s) {
      var label = el("label");
      var cb = el("input");
      cb.type = "checkbox";
      cb.checked = true;
      cb.value = s;
      cb.addEventListener("change", function () {
        if (cb.checked) state.statuses.add(s); else state.statuses.delete(s);
        applyFilters();
      });
      label.append(cb, " ", statusLabel(s));
      box.appendChild(label);
    });
    byKey("year-label").textContent = T.year;
    var year = byKey("year");
    year.appendChild(new Option(T.allYears, ""));
    DATA.years.forEach(function (y) { year.appendChild(new Option(y, y)); });
    year.addEventListener("change", function () { state.year = year.value; applyFilters(); });
    byKey("related-label").textContent = T.related;
    var related = byKey("related");
    related.checked = state.related;
    related.addEventListener("change", function () { state.related = related.checked; applyFilters(); });
    var relax = byKey("relax");
    relax.textContent = T.relax;
    relax.addEventListener("click", function () {
      network.setOptions({ physics: { enabled: true, stabilization: { enabled: false } } });
      network.once("stabilized", function () { network.setOptions({ physics: { enabled: false } }); });
    });
    var reset = byKey("reset");
    reset.textContent = T.reset;
    reset.addEventListener("click", resetFilters);
  }

  function resetFilters() {
    state.classes = new Set(DATA.classes.map(function (c) { return c.name; }));
    state.statuses = new Set(DATA.statuses.concat(["unspecified"]));
    state.year = "";
    state.neighbourhood = null;
    document.querySelectorAll("#status-filter input, #legend input").forEach(function (cb) { cb.checked = true; });
    byKey("year").value = "";
    applyFilters();
    network.fit();
  }

  function buildLegend() {
    var legend = byKey("legend");
    DATA.classes.forEach(function (c) {
      var label = el("label");
      var cb = el("input");
      cb.type = "checkbox";
      cb.checked = true;
      cb.value = c.name;
      cb.addEventListener("change", function () {
        if (cb.checked) state.classes.add(c.name); else state.classes.delete(c.name);
        applyFilters();
      });
      var symbol = el("span", "symbol", SYMBOLS[c.shape] || "●");
      symbol.style.color = c.color;
      label.append(cb, symbol, el("span", null, c.label), el("span", "n", c.count));
      legend.appendChild(label);
    });
  }

  /* ------------------------------------------------------------ search */

  function search(query) {
    var q = norm(query);
    if (!q) return [];
    var scored = [];
    DATA.nodes.forEach(function (n) {
      var best = 99;
      n.search.forEach(function (v) {
        if (v === q) best = Math.min(best, 0);
        else if (v.indexOf(q) === 0) best = Math.min(best, 2);
        else if (v.indexOf(q) > 0) best = Math.min(best, 4);
      });
      if (n.searchPinyin) {
        if (n.searchPinyin === q) best = Math.min(best, 1);
        else if (n.searchPinyin.indexOf(q) === 0) best = Math.min(best, 3);
        else if (n.searchPinyin.indexOf(q) > 0) best = Math.min(best, 5);
      }
      if (n.pk.initials && n.pk.initials.indexOf(q) === 0) best = Math.min(best, n.pk.initials === q ? 3 : 5);
      if (best < 99) scored.push([best, n.label.length, n.label, n.id]);
    });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
    return scored.slice(0, 15).map(function (s) { return s[3]; });
  }

  function setupSearch() {
    var input = byKey("search");
    var list = byKey("results");
    var hits = [];
    var active = 0;
    function render() {
      list.textContent = "";
      if (!input.value.trim()) { list.hidden = true; return; }
      if (!hits.length) list.appendChild(el("li", "none", T.noResults));
      hits.forEach(function (id, i) {
        var n = byId.get(id);
        var li = el("li", i === active ? "active" : "", n.label);
        li.setAttribute("role", "option");
        li.appendChild(el("span", "cls", n.pk.clsLabel));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(id); });
        list.appendChild(li);
      });
      list.hidden = false;
    }
    function choose(id) {
      list.hidden = true;
      input.value = byId.get(id).label;
      select(id);
    }
    input.addEventListener("input", function () { hits = search(input.value); active = 0; render(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        hits = search(input.value);
        if (hits.length) choose(hits[Math.min(active, hits.length - 1)]);
      } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        active = (active + (ev.key === "ArrowDown" ? 1 : hits.length - 1)) % Math.max(hits.length, 1);
        render();
      } else if (ev.key === "Escape") {
        list.hidden = true;
      }
    });
    input.addEventListener("blur", function () { list.hidden = true; });
  }

  function select(id) {
    var n = byId.get(id);
    if (!n) return false;
    if (!visible.get(id)) resetFilters();
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: META.physics ? { duration: 300 } : false });
    showPanel(id);
    return true;
  }

  /* ------------------------------------------------------------ side panel */

  function highlighted(sentence, names) {
    var q = el("blockquote");
    var terms = names.filter(function (x) { return x && sentence.indexOf(x) >= 0; })
      .sort(function (a, b) { return b.length - a.length; });
    if (!terms.length) { q.textContent = sentence; return q; }
    var i = 0;
    while (i < sentence.length) {
      var next = -1, term = "";
      terms.forEach(function (t) {
        var j = sentence.indexOf(t, i);
        if (j >= 0 && (next < 0 || j < next)) { next = j; term = t; }
      });
      if (next < 0) { q.append(sentence.slice(i)); break; }
      if (next > i) q.append(sentence.slice(i, next));
      q.appendChild(el("mark", null, term));
      i = next + term.length;
    }
    return q;
  }

  function evidenceItem(row, names) {
    var li = el("li");
    li.appendChild(highlighted(row.s, names));
    var doc = DATA.documents[row.d];
    var parts = [];
    if (doc) { parts.push("《" + doc.title + "》"); if (doc.date) parts.push(doc.date); }
    if (row.st) parts.push(statusLabel(row.st));
    if (row.y) parts.push(row.y);
    if (parts.length) li.appendChild(el("div", "source", parts.join(" · ")));
    return li;
  }

  function evidenceList(rows, names) {
    var ul = el("ul", "evidence");
    rows.slice(0, EVIDENCE_SHOWN).forEach(function (r) { ul.appendChild(evidenceItem(r, names)); });
    if (rows.length > EVIDENCE_SHOWN) {
      var more = el("details");
      more.appendChild(el("summary", null, fill(T.more, { n: rows.length - EVIDENCE_SHOWN })));
      var rest = el("ul", "evidence");
      rows.slice(EVIDENCE_SHOWN).forEach(function (r) { rest.appendChild(evidenceItem(r, names)); });
      more.appendChild(rest);
      ul.appendChild(more);
    }
    return ul;
  }

  function nodeLink(id) {
    var n = byId.get(id);
    var b = el("button", "link", n.label);
    b.type = "button";
    b.title = n.pk.clsLabel;
    b.addEventListener("click", function () { select(id); });
    return b;
  }

  function tags(status, year) {
    var frag = document.createDocumentFragment();
    if (status) frag.appendChild(el("span", "tag " + status, statusLabel(status)));
    if (year) frag.appendChild(el("span", "tag", year));
    return frag;
  }

  function namesOf(n) { return [n.label].concat(n.pk.aliases); }

  function showPanel(id) {
    var n = byId.get(id);
    var p = n.pk;
    var panel = byKey("panel");
    panel.textContent = "";
    panel.setAttribute("data-node", String(id));
    var close = el("button", "close", "×");
    close.type = "button";
    close.title = T.close;
    close.addEventListener("click", hidePanel);
    panel.appendChild(close);
    var badge = el("span", "badge", p.typeLabel);
    badge.style.background = n.color;
    panel.appendChild(badge);
    panel.appendChild(el("h2", "label", n.label));

    var dl = el("dl");
    function row(k, v) { if (v) { dl.appendChild(el("dt", null, k)); dl.appendChild(el("dd", null, v)); } }
    row(T.cls, p.clsLabel === p.typeLabel ? p.clsLabel : p.typeLabel + " › " + p.clsLabel);
    row(T.aliases, p.aliases.join("、"));
    row(T.pinyin, p.pinyin);
    row(T.code, p.code);
    if (p.ind.value) row(T.value, p.ind.value.replace(/\.0+$/, "") + (p.ind.unit ? " " + p.ind.unit : ""));
    if (p.ind.indicatorKind) row(T.kind, T[p.ind.indicatorKind] || p.ind.indicatorKind);
    if (p.ind.status || p.ind.year) row(T.status, [statusLabel(p.ind.status), p.ind.year].filter(Boolean).join(" · "));
    row(T.iri, p.iri);
    panel.appendChild(dl);

    var neighbourhood = el("button", "action", T.neighbourhood);
    neighbourhood.type = "button";
    neighbourhood.addEventListener("click", function () { showNeighbourhood(id); });
    panel.appendChild(neighbourhood);

    var typed = [], related = [], indicatorIds = p.inds.slice();
    outgoing.get(id).forEach(function (e) { (e.pk.rel ? related : typed).push([e, e.to, "→"]); });
    incoming.get(id).forEach(function (e) { (e.pk.rel ? related : typed).push([e, e.from, "←"]); });
    typed.forEach(function (t) { if (t[0].pk.p === "hasIndicator" && t[2] === "→") indicatorIds.push(t[1]); });

    panel.appendChild(el("h3", null, T.facts));
    if (!typed.length && !related.length) panel.appendChild(el("p", "empty", T.none));
    var facts = el("ul", "facts");
    typed.forEach(function (t) {
      var e = t[0], li = el("li");
      li.append(t[2] === "→" ? "" : "← ");
      li.appendChild(el("strong", null, e.label));
      li.append(" ");
      li.appendChild(nodeLink(t[1]));
      li.appendChild(tags(e.pk.st, e.pk.y));
      if (e.pk.ev.length) li.appendChild(evidenceList(e.pk.ev, namesOf(n).concat(namesOf(byId.get(t[1])))));
      facts.appendChild(li);
    });
    if (typed.length) panel.appendChild(facts);
    if (related.length) {
      var d = el("details");
      d.appendChild(el("summary", null, fill(T.cooccur, { n: related.length })));
      var ul = el("ul");
      related.forEach(function (t) {
        var li = el("li");
        li.appendChild(nodeLink(t[1]));
        if (t[0].pk.n > 1) li.append(" ×" + t[0].pk.n);
        ul.appendChild(li);
      });
      d.appendChild(ul);
      panel.appendChild(d);
    }

    if (indicatorIds.length) {
      panel.appendChild(el("h3", null, T.indicators));
      var inds = el("ul");
      Array.from(new Set(indicatorIds)).forEach(function (i) {
        var ind = byId.get(i);
        var li = el("li");
        li.appendChild(nodeLink(i));
        if (ind.pk.ind.value) li.append(" = " + ind.pk.ind.value.replace(/\.0+$/, "") + " " + (ind.pk.ind.unit || ""));
        li.appendChild(tags(ind.pk.ind.status, ind.pk.ind.year));
        inds.appendChild(li);
      });
      panel.appendChild(inds);
    }

    panel.appendChild(el("h3", null, fill(T.sources, { n: p.ev.length })));
    if (p.ev.length) panel.appendChild(evidenceList(p.ev, namesOf(n))).classList.add("mentions");
    else panel.appendChild(el("p", "empty", T.none));
    panel.hidden = false;
  }

  function hidePanel() {
    byKey("panel").hidden = true;
    network.unselectAll();
  }

  function showNeighbourhood(id) {
    var keep = new Set([id]);
    outgoing.get(id).forEach(function (e) { keep.add(e.to); });
    incoming.get(id).forEach(function (e) { keep.add(e.from); });
    state.neighbourhood = keep;
    if (!state.related) { state.related = true; byKey("related").checked = true; }
    applyFilters();
    network.fit({ nodes: Array.from(keep), animation: false });
    network.selectNodes([id]);
  }

  buildToolbar();
  buildLegend();
  setupSearch();
  DATA.nodes.forEach(function (n) { visible.set(n.id, true); });
  DATA.edges.forEach(function (e) { e.hidden = !!e.hidden; });
  applyFilters();
})();

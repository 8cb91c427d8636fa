/* policykg explorer. One page script for two renderers (vis-network for small views, the canvas renderer for large
 * ones). Every string from documents reaches the page through textContent, a canvas, or a file the user downloads;
 * never as HTML. */
(function () {
  "use strict";

  var STRINGS = {
    zh: {
      search: "搜索实体（名称、别名、拼音、首字母）", noResults: "无匹配", year: "年份", allYears: "全部年份",
      related: "共现关系", relax: "重新布局", stop: "停止布局", reset: "重置", laying: "正在绘制…",
      shown: "显示 {shown} / {nodes} 个实体", total: "（图中共 {total} 个）", focus: "焦点：{labels}（{hops} 跳）",
      completed: "已完成", ongoing: "进行中", planned: "计划", unspecified: "未标注",
      cls: "类别", aliases: "别名", pinyin: "拼音", code: "区划代码", iri: "IRI", value: "数值", kind: "类型",
      status: "状态", context: "所在", facts: "关系（{n}）", cooccur: "同句共现", indicators: "指标",
      sources: "出处句子", evidence: "出处", none: "无", neighbourhood: "只看邻域", withRelated: "含共现", hops: "跳",
      expand: "展开邻居", pathFrom: "设为路径起点", pathTo: "到此的最短路径", close: "关闭", more: "另有 {n} 条",
      empty: "图中没有实体", actual: "实际", target: "目标", legend: "图例", play: "▶ 播放", pause: "⏸ 暂停",
      exportLabel: "导出", png: "图片 PNG", nodesCsv: "节点 CSV", edgesCsv: "关系 CSV", graphml: "GraphML",
      zoomIn: "放大", zoomOut: "缩小", fit: "全部显示", exit: "退出", clear: "清除", dismiss: "知道了",
      hiddenHit: "被筛选隐藏",
      cut: "为便于浏览，本页只画了图中 {total} 个实体里最重要的 {nodes} 个（报告地点、有类型关系的实体优先，各类都有）；" +
        "未画：{omitted}。用 policykg viz 加 --focus 名称 或 --classes 类别 查看其余。",
      revealed: "「{label}」不在当前筛选内，已单独显示。",
      hood: "只看「{label}」的 {hops} 跳邻域：{n} 个实体（{kind}）。", hoodRelated: "含同句共现", hoodTyped: "只含类型关系，不含共现",
      expanded: "已展开「{label}」的 {hops} 跳邻居：新显示 {n} 个实体。",
      pathStart: "路径起点：「{label}」。在另一个实体的面板里点「到此的最短路径」。",
      path: "最短路径：{from} → {to}，{n} 步。", noPath: "在当前显示的关系里，「{from}」与「{to}」之间没有路径。",
      pathTitle: "最短路径（{n} 步）", edgeTitle: "关系",
      viewLabel: "关系图：方向键平移，+ / - 缩放，0 全部显示，/ 搜索，Esc 关闭面板"
    },
    en: {
      search: "Search entities (name, alias, pinyin, initials)", noResults: "No match", year: "Years",
      allYears: "All years", related: "Co-occurrence", relax: "Relax layout", stop: "Stop layout", reset: "Reset",
      laying: "Drawing…", shown: "{shown} / {nodes} entities shown", total: " ({total} in the graph)",
      focus: "Focus: {labels} ({hops} hops)", completed: "completed", ongoing: "ongoing", planned: "planned",
      unspecified: "unspecified", cls: "Class", aliases: "Aliases", pinyin: "Pinyin", code: "Division code",
      iri: "IRI", value: "Value", kind: "Kind", status: "Status", context: "In", facts: "Facts ({n})",
      cooccur: "Same-sentence co-occurrence", indicators: "Indicators", sources: "Evidence sentences", evidence: "Evidence",
      none: "none", neighbourhood: "Show neighbourhood", withRelated: "with co-occurrence", hops: "hops",
      expand: "Expand neighbours", pathFrom: "Start a path here", pathTo: "Shortest path to here", close: "Close",
      more: "{n} more", empty: "The graph has no entities", actual: "actual", target: "target", legend: "Legend",
      play: "▶ Play", pause: "⏸ Pause", exportLabel: "Export", png: "Image (PNG)", nodesCsv: "Nodes (CSV)",
      edgesCsv: "Edges (CSV)", graphml: "GraphML", zoomIn: "Zoom in", zoomOut: "Zoom out", fit: "Fit all",
      exit: "Exit", clear: "Clear", dismiss: "OK", hiddenHit: "hidden by filters",
      cut: "To stay usable this page draws the {nodes} most important of the graph's {total} entities (report " +
        "places and entities with typed facts first, every class represented); not drawn: {omitted}. Run " +
        "policykg viz with --focus NAME or --classes CLASS for the rest.",
      revealed: "“{label}” is outside the current filters; it is shown on its own.",
      hood: "Only the {hops}-hop neighbourhood of “{label}”: {n} entities ({kind}).",
      hoodRelated: "with same-sentence co-occurrence", hoodTyped: "typed relations only, no co-occurrence",
      expanded: "Expanded {hops} hops around “{label}”: {n} more entities shown.",
      pathStart: "Path start: “{label}”. Open another entity and choose “Shortest path to here”.",
      path: "Shortest path: {from} → {to}, {n} steps.", noPath: "No path between “{from}” and “{to}” in the relations shown.",
      pathTitle: "Shortest path ({n} steps)", edgeTitle: "Relation",
      viewLabel: "Graph: arrows pan, + / - zoom, 0 fits, / searches, Esc closes the panel"
    }
  };
  var SYMBOLS = { dot: "●", diamond: "◆", square: "■", triangle: "▲", star: "★", hexagon: "⬢",
    triangleDown: "▼", box: "▬" };
  var EVIDENCE_SHOWN = 3;
  var GROUP_OPEN_MAX = 6;      // fact groups with more items start collapsed
  var EVIDENCE_OPEN_MAX = 5;   // an entity with more facts shows each fact's sentences on demand
  var RELAX_SECONDS = 30;      // a relax run stops by itself after this long
  var PLAY_STEP_MS = 900;
  var FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif";

  var DATA = JSON.parse(document.getElementById("pk-data").textContent);
  var META = DATA.meta;
  var T = STRINGS[META.lang] || STRINGS.en;
  var NODES = DATA.nodes, EDGES = DATA.edges, N = NODES.length, M = EDGES.length;
  var CLASSES = new Map(DATA.classes.map(function (c) { return [c.name, c]; }));
  var outgoing = [], incoming = [];

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
  function byKey(id) { return document.getElementById(id); }
  function statusLabel(s) { return s ? (T[s] || s) : ""; }
  function classLabel(c) { return DATA.classLabels[c] || c; }
  function number(n) { return Number(n).toLocaleString(META.lang === "zh" ? "zh-CN" : "en"); }

  NODES.forEach(function (n) {
    ["aliases", "st", "yr", "ev", "inds"].forEach(function (k) { n[k] = n[k] || []; });
    n.ind = n.ind || {};
    n.name = n.name || n.label;
    n.pinyin = n.pinyin || "";
    n.initials = n.initials || "";
    n.ctx = n.ctx || "";
    n.hop = n.hop === undefined ? -1 : n.hop;
    var c = CLASSES.get(n.type) || { color: "#bab0ac", shape: "dot" };
    n.color = c.color;
    n.shape = c.shape;
    n.search = [n.label, n.name].concat(n.aliases).map(norm);
    n.searchPinyin = norm(n.pinyin);
    outgoing.push([]);
    incoming.push([]);
  });
  EDGES.forEach(function (e) {
    e.rel = e.p === "relatedTo";
    e.st = e.st || "";
    e.y = e.y || "";
    e.n = e.n || 1;
    e.ev = e.ev || [];
    e.label = DATA.predicates[e.p] || e.p;
    outgoing[e.from].push(e.id);
    incoming[e.to].push(e.id);
  });

  function nodeTitle(n) {
    return n.name + (n.name !== n.label ? " · " + n.label : "") + " · " + classLabel(n.cls) + (n.ctx ? " · " + n.ctx : "");
  }
  function edgeTitle(e) {
    var text = e.label + (e.st ? " · " + statusLabel(e.st) : "") + (e.y ? " · " + e.y : "") + (e.n > 1 ? " ×" + e.n : "");
    if (e.ev.length) text += "\n" + DATA.sentences[e.ev[0][0]].slice(0, 160);
    return text;
  }
  function themeColors() {
    var css = getComputedStyle(document.documentElement);
    function v(name) { return css.getPropertyValue(name).trim(); }
    return { background: v("--canvas"), edge: v("--edge"), faintEdge: v("--edge-faint"), label: v("--label"),
      faintLabel: v("--label-faint"), halo: v("--halo"), highlight: v("--highlight"), edgeLabel: v("--edge-label"),
      font: FONT };
  }

  /* ------------------------------------------------------------ state */

  var state = {
    classes: new Set(DATA.classes.map(function (c) { return c.name; })),
    statuses: new Set(DATA.statuses.concat(["unspecified"])),
    yearFrom: 0, yearTo: Math.max(DATA.years.length - 1, 0),
    related: !!META.related,
    neighbourhood: null,   // {id, hops, related, set}
    pinned: new Set(),     // shown whatever the filters say (a search hit, expanded neighbours)
    selected: -1, selectedEdge: -1,
    pathStart: -1, path: null
  };
  var nodeOn = new Uint8Array(N), edgeOn = new Uint8Array(M);

  function yearsFiltered() { return DATA.years.length > 1 && (state.yearFrom > 0 || state.yearTo < DATA.years.length - 1); }
  function statusOk(list) {
    if (!list.length) return state.statuses.has("unspecified");
    return list.some(function (s) { return state.statuses.has(s); });
  }
  function yearOk(list) {
    if (!yearsFiltered()) return true;
    var lo = DATA.years[state.yearFrom], hi = DATA.years[state.yearTo];
    return list.some(function (y) { return y >= lo && y <= hi; });
  }
  function filtersPass(n) { return state.classes.has(n.type) && statusOk(n.st) && yearOk(n.yr); }
  function nodeVisible(n) {
    if (state.pinned.has(n.id)) return true;
    return filtersPass(n) && (!state.neighbourhood || state.neighbourhood.set.has(n.id));
  }
  function edgeVisible(e) {
    if (!nodeOn[e.from] || !nodeOn[e.to]) return false;
    if (e.rel) return state.related || !!(state.neighbourhood && state.neighbourhood.related);
    if (state.pinned.has(e.from) || state.pinned.has(e.to)) return true;
    return statusOk(e.st ? [e.st] : []) && yearOk(e.y ? [e.y] : []);
  }

  /* ------------------------------------------------------------ renderers */

  function visRenderer(container) {
    var colors = themeColors(), listeners = {};
    function fontSize(n) { return n.rank < 12 ? 26 : n.anchor ? 22 : n.loose ? 12 : n.rank < 60 ? 18 : 14; }
    var nodes = new vis.DataSet(NODES.map(function (n) {
      return { id: n.id, label: n.name, x: n.x, y: n.y, size: n.size, shape: n.shape, title: nodeTitle(n),
        color: { background: n.color, border: n.color, highlight: { background: n.color, border: colors.highlight } },
        opacity: n.loose ? 0.6 : 1, borderWidth: n.hop === 0 ? 4 : 1, physics: true,
        font: { size: fontSize(n), color: colors.label, strokeColor: colors.halo, strokeWidth: 3, face: FONT } };
    }));
    var edges = new vis.DataSet(EDGES.map(function (e) {
      return { id: e.id, from: e.from, to: e.to, label: e.label, title: edgeTitle(e), dashes: e.rel,
        arrows: { to: { enabled: !e.rel, scaleFactor: 0.5 } }, hidden: false, physics: true,
        color: { color: e.rel ? colors.faintEdge : colors.edge, highlight: colors.highlight },
        font: { size: 11, color: colors.edgeLabel, strokeColor: colors.halo, strokeWidth: 3, face: FONT, align: "middle" } };
    }));
    var options = {
      autoResize: true,
      layout: { improvedLayout: false, randomSeed: 7 },
      nodes: { borderWidth: 1, scaling: { label: { drawThreshold: 7 } } },
      edges: { width: 1, selectionWidth: 2, scaling: { label: { drawThreshold: 8 } }, smooth: false },
      interaction: { hover: true, tooltipDelay: 250, hideEdgesOnDrag: N > 500, multiselect: false, keyboard: false },
      physics: { enabled: false, solver: "barnesHut", minVelocity: 1.0, maxVelocity: 40, stabilization: { enabled: false },
        barnesHut: { gravitationalConstant: -6000, springLength: 140, springConstant: 0.03, centralGravity: 0.3,
          damping: 0.35, avoidOverlap: 0.2 } }
    };
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    var hiddenNodes = new Uint8Array(N), hiddenEdges = new Uint8Array(M);
    var relaxTimer = 0, onRelaxStop = null;
    function emit(k, a) { (listeners[k] || []).forEach(function (fn) { fn(a); }); }
    network.on("click", function (p) {
      if (p.nodes.length) emit("node", p.nodes[0]);
      else if (p.edges.length) emit("edge", p.edges[0]);
      else emit("background");
    });
    network.once("afterDrawing", function () { emit("ready"); });
    function stopRelax() {
      if (!relaxTimer) return;
      clearTimeout(relaxTimer);
      relaxTimer = 0;
      network.setOptions({ physics: { enabled: false } });
      if (onRelaxStop) { var f = onRelaxStop; onRelaxStop = null; f(); }
    }
    network.on("stabilized", stopRelax);
    return {
      kind: "vis", network: network, nodes: nodes, edges: edges,
      on: function (k, fn) { (listeners[k] = listeners[k] || []).push(fn); },
      setVisible: function (nOn, eOn) {
        var nu = [], eu = [];
        for (var i = 0; i < N; i++) {
          var hide = nOn[i] ? 0 : 1;
          if (hide !== hiddenNodes[i]) { hiddenNodes[i] = hide; nu.push({ id: i, hidden: !!hide, physics: !hide }); }
        }
        for (var j = 0; j < M; j++) {
          var h = eOn[j] ? 0 : 1;
          if (h !== hiddenEdges[j]) { hiddenEdges[j] = h; eu.push({ id: j, hidden: !!h, physics: !h }); }
        }
        if (nu.length) nodes.update(nu);
        if (eu.length) edges.update(eu);
      },
      mark: function (selected, selectedEdge, hl) {
        var ns = hl ? Array.from(hl.nodes) : [], es = hl ? Array.from(hl.edges) : [];
        if (selected >= 0) ns.push(selected);
        if (selectedEdge >= 0) es.push(selectedEdge);
        network.setSelection({ nodes: ns, edges: es }, { unselectAll: true, highlightEdges: !hl && selectedEdge < 0 });
      },
      focus: function (id, scale) { network.focus(id, { scale: Math.max(network.getScale(), scale || 1), animation: false }); },
      fit: function (ids) { network.fit({ nodes: ids || [], animation: false }); },
      zoom: function (f) { network.moveTo({ scale: network.getScale() * f, animation: false }); },
      pan: function (dx, dy) {
        var s = network.getScale(), p = network.getViewPosition();
        network.moveTo({ position: { x: p.x - dx / s, y: p.y - dy / s }, animation: false });
      },
      view: function () { var p = network.getViewPosition(); return { x: p.x, y: p.y, scale: network.getScale() }; },
      position: function (id) { var p = network.getPositions([id])[id]; return [p.x, p.y]; },
      toScreen: function (id) {
        var p = network.canvasToDOM(network.getPositions([id])[id]);
        var box = container.getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
      },
      edgeArrow: function (id) { return !!edges.get(id).arrows.to.enabled; },
      edgeTitle: function (id) { return edges.get(id).title; },
      drawn: function () { return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length }; },
      labels: function () {
        var s = network.getScale();
        return NODES.filter(function (n) { return !hiddenNodes[n.id] && fontSize(n) * s >= 7; }).map(function (n) { return n.id; });
      },
      labelPx: function (id) { return fontSize(NODES[id]) * network.getScale(); },
      relax: function (on, done) {
        if (!on) { stopRelax(); return; }
        onRelaxStop = done;
        network.setOptions({ physics: { enabled: true, stabilization: { enabled: false } } });
        relaxTimer = setTimeout(stopRelax, RELAX_SECONDS * 1000);
      },
      png: function () { return withBackground(container.querySelector("canvas"), colors.background); }
    };
  }

  function canvasRenderer(container) {
    var colors = themeColors(), listeners = {};
    var graph = new CanvasGraph(container, NODES.map(function (n) {
      return { x: n.x, y: n.y, size: n.size, color: n.color, shape: n.shape, label: n.name, rank: n.rank,
        faint: !!n.loose, title: nodeTitle(n) };
    }), EDGES.map(function (e) {
      return { from: e.from, to: e.to, arrow: !e.rel, faint: e.rel, label: e.label };
    }), { colors: colors, alwaysLabelled: META.anchors + 24 });
    var layout = null;
    function emit(k, a) { (listeners[k] = listeners[k] || []).forEach(function (fn) { fn(a); }); }
    graph.on("node", function (i) { emit("node", i); });
    graph.on("edge", function (j) { emit("edge", j); });
    graph.on("background", function () { emit("background"); });
    var readyOnce = function () { readyOnce = null; emit("ready"); };
    graph.on("render", function () { if (readyOnce) readyOnce(); });
    if (window.matchMedia) {
      window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
        graph.colors = themeColors();
        graph.invalidate();
      });
    }
    function stopLayout() {
      if (!layout) return;
      var l = layout;
      layout = null;
      l.running = false;
      graph.live = false;
      graph.invalidate();
      if (l.worker) l.worker.kill();
      if (l.done) l.done();
    }
    function startLayout(done) {
      var FA = window.graphologyLayoutForceAtlas2;
      var sub = new graphology.Graph({ type: "undirected" });
      for (var i = 0; i < N; i++) if (nodeOn[i]) sub.addNode(String(i), { x: graph.X[i], y: graph.Y[i], size: graph.R[i] });
      for (var j = 0; j < M; j++) {
        var e = EDGES[j];
        if (edgeOn[j] && e.from !== e.to && !sub.hasEdge(String(e.from), String(e.to))) {
          sub.addEdge(String(e.from), String(e.to), { weight: e.rel ? 0.3 : 1 });
        }
      }
      var settings = FA.forceAtlas2.inferSettings(sub);
      settings.scalingRatio = 60;
      settings.gravity = 0.5;
      settings.slowDown = 2;
      graph.live = true;
      var l = layout = { running: true, done: done, started: performance.now(), worker: null };
      try {
        l.worker = new FA.FA2Layout(sub, { settings: settings, getEdgeWeight: "weight" });
        l.worker.start();
      } catch (err) {
        l.worker = null;  // no workers here (a sandboxed frame): iterate on this thread, one step per frame
      }
      var keys = sub.nodes(), idx = keys.map(Number), xs = new Float64Array(keys.length), ys = new Float64Array(keys.length);
      var home = extent(idx.map(function (i) { return graph.X[i]; }), idx.map(function (i) { return graph.Y[i]; }));
      (function tick() {
        if (!l.running) return;
        if (!l.worker) FA.forceAtlas2.assign(sub, { iterations: 1, settings: settings, getEdgeWeight: "weight" });
        for (var t = 0; t < keys.length; t++) {
          var a = sub.getNodeAttributes(keys[t]);
          xs[t] = a.x;
          ys[t] = a.y;
        }
        // ForceAtlas2 works at its own scale: keep the drawing where it was and as large, so the view stays on it
        var now = extent(xs, ys), k = home.size / (now.size || 1);
        for (t = 0; t < keys.length; t++) {
          xs[t] = home.x + (xs[t] - now.x) * k;
          ys[t] = home.y + (ys[t] - now.y) * k;
        }
        graph.setPositions(idx, xs, ys);
        if (performance.now() - l.started > RELAX_SECONDS * 1000) { stopLayout(); return; }
        requestAnimationFrame(tick);
      })();
    }
    return {
      kind: "canvas", graph: graph,
      on: function (k, fn) { (listeners[k] = listeners[k] || []).push(fn); },
      setVisible: function (nOn, eOn) { graph.setVisible(nOn, eOn); },
      mark: function (selected, selectedEdge, hl) {
        graph.selected = selected;
        graph.selectedEdge = selectedEdge;
        graph.highlight = hl;
        graph.invalidate();
      },
      focus: function (id, scale) { graph.moveTo(graph.X[id], graph.Y[id], Math.max(graph.camera.scale, scale || 1)); },
      fit: function (ids) { graph.fit(ids && ids.length ? ids : null); },
      zoom: function (f) { graph.zoomAt(f, graph.width / 2, graph.height / 2); },
      pan: function (dx, dy) { graph.panBy(dx, dy); },
      view: function () { return { x: graph.camera.x, y: graph.camera.y, scale: graph.camera.scale }; },
      position: function (id) { return [graph.X[id], graph.Y[id]]; },
      toScreen: function (id) {
        var p = graph.toScreen(graph.X[id], graph.Y[id]), box = container.getBoundingClientRect();
        return [box.left + p[0], box.top + p[1]];
      },
      edgeArrow: function (id) { return !EDGES[id].rel; },
      edgeTitle: function (id) { return edgeTitle(EDGES[id]); },
      drawn: function () {
        var a = 0, b = 0;
        for (var i = 0; i < N; i++) a += graph.nodeOn[i];
        for (var j = 0; j < M; j++) b += graph.edgeOn[j];
        return { nodes: a, edges: b };
      },
      labels: function () { return graph.visibleLabels(); },
      labelPx: function (id) { return graph.visibleLabels().indexOf(id) >= 0 ? (NODES[id].rank < 12 ? 14 : 12) : 0; },
      relax: function (on, done) { if (on) startLayout(done); else stopLayout(); },
      png: function () { return graph.png(); }
    };
  }

  /** The centre and larger side of the box around some points. */
  function extent(xs, ys) {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (var i = 0; i < xs.length; i++) {
      x0 = Math.min(x0, xs[i]); x1 = Math.max(x1, xs[i]); y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i]);
    }
    return xs.length ? { x: (x0 + x1) / 2, y: (y0 + y1) / 2, size: Math.max(x1 - x0, y1 - y0) } : { x: 0, y: 0, size: 0 };
  }

  function withBackground(canvas, color) {
    var out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    var c = out.getContext("2d");
    c.fillStyle = color;
    c.fillRect(0, 0, out.width, out.height);
    c.drawImage(canvas, 0, 0);
    return out.toDataURL("image/png");
  }

  /* ------------------------------------------------------------ the page */

  var container = byKey("network");
  if (!N) container.appendChild(el("p", "empty", T.empty));
  byKey("loading-text").textContent = T.laying;
  byKey("loading").hidden = false;
  var R = META.renderer === "vis" ? visRenderer(container) : canvasRenderer(container);
  var api = window.policykg = {
    data: DATA, ready: false, renderer: R, state: state,
    select: select, search: search, visibleNodeCount: visibleNodeCount, showEdge: showEdge, applyHash: applyHash
  };

  function applyFilters() {
    NODES.forEach(function (n) { nodeOn[n.id] = nodeVisible(n) ? 1 : 0; });
    EDGES.forEach(function (e) { edgeOn[e.id] = edgeVisible(e) ? 1 : 0; });
    R.setVisible(nodeOn, edgeOn);
    updateCount();
    writeHash();
  }
  function visibleNodeCount() {
    var n = 0;
    for (var i = 0; i < N; i++) n += nodeOn[i];
    return n;
  }
  function updateCount() {
    var text = fill(T.shown, { shown: number(visibleNodeCount()), nodes: number(META.nodes) });
    if (META.total > META.nodes) text += fill(T.total, { total: number(META.total) });
    if (META.focus.length) text += " · " + fill(T.focus, { labels: META.focus.join("、"), hops: META.hops });
    byKey("count").textContent = text;
  }
  function mark() {
    R.mark(state.selected, state.selectedEdge, state.path ? { nodes: new Set(state.path.nodes), edges: new Set(state.path.edges) } : null);
  }

  /* notices: one line each, with an optional action */
  function notice(key, text, action, onAction) {
    var box = byKey("notices"), old = box.querySelector('[data-key="' + key + '"]');
    if (old) old.remove();
    if (!text) return;
    var p = el("p", null, text);
    p.setAttribute("data-key", key);
    if (action) {
      var b = el("button", null, action);
      b.type = "button";
      b.addEventListener("click", function () { p.remove(); if (onAction) onAction(); });
      p.appendChild(b);
    }
    box.appendChild(p);
  }

  /* ------------------------------------------------------------ toolbar */

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
    buildTime();
    byKey("related-label").textContent = T.related;
    var related = byKey("related");
    related.checked = state.related;
    related.addEventListener("change", function () { state.related = related.checked; applyFilters(); });
    var relax = byKey("relax");
    relax.textContent = T.relax;
    relax.addEventListener("click", function () { toggleRelax(); });
    var reset = byKey("reset");
    reset.textContent = T.reset;
    reset.addEventListener("click", function () { resetFilters(); R.fit(); });
    byKey("export-label").textContent = T.exportLabel;
    [["export-png", T.png, function () { download("policykg-view.png", dataUrlBlob(R.png())); }],
     ["export-nodes", T.nodesCsv, function () { download("policykg-nodes.csv", new Blob([nodesCsv()], { type: "text/csv;charset=utf-8" })); }],
     ["export-edges", T.edgesCsv, function () { download("policykg-edges.csv", new Blob([edgesCsv()], { type: "text/csv;charset=utf-8" })); }],
     ["export-graphml", T.graphml, function () { download("policykg-view.graphml", new Blob([graphml()], { type: "application/xml" })); }]
    ].forEach(function (item) {
      var b = byKey(item[0]);
      b.textContent = item[1];
      b.addEventListener("click", function () { item[2](); byKey("export").open = false; });
    });
    [["zoom-in", T.zoomIn, function () { R.zoom(1.4); }], ["zoom-out", T.zoomOut, function () { R.zoom(1 / 1.4); }],
     ["zoom-fit", T.fit, function () { R.fit(); }]].forEach(function (item) {
      var b = byKey(item[0]);
      b.title = item[1];
      b.setAttribute("aria-label", item[1]);
      b.addEventListener("click", item[2]);
    });
  }

  var relaxing = false;
  function toggleRelax(force) {
    var on = force === undefined ? !relaxing : force;
    if (on === relaxing) return;
    relaxing = on;
    byKey("relax").textContent = on ? T.stop : T.relax;
    if (on) {
      R.relax(true, function () { relaxing = false; byKey("relax").textContent = T.relax; });
    } else {
      R.relax(false);
    }
  }

  function buildTime() {
    var from = byKey("year-from"), to = byKey("year-to"), play = byKey("play"), text = byKey("year-text");
    byKey("year-label").textContent = T.year;
    if (DATA.years.length < 2) { byKey("time").hidden = true; return; }
    from.max = to.max = String(DATA.years.length - 1);
    from.value = "0";
    to.value = String(DATA.years.length - 1);
    from.setAttribute("aria-label", T.year + " ≥");
    to.setAttribute("aria-label", T.year + " ≤");
    play.textContent = T.play;
    var timer = 0;
    function show() {
      text.textContent = yearsFiltered() ? DATA.years[state.yearFrom] + "–" + DATA.years[state.yearTo] : T.allYears;
      from.value = String(state.yearFrom);
      to.value = String(state.yearTo);
    }
    api.showYears = show;
    from.addEventListener("input", function () {
      state.yearFrom = Math.min(+from.value, state.yearTo);
      show();
      applyFilters();
    });
    to.addEventListener("input", function () {
      state.yearTo = Math.max(+to.value, state.yearFrom);
      show();
      applyFilters();
    });
    function stop() { clearInterval(timer); timer = 0; play.textContent = T.play; }
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      var last = DATA.years.length - 1;
      if (state.yearTo >= last) state.yearTo = state.yearFrom;
      play.textContent = T.pause;
      show();
      applyFilters();
      timer = setInterval(function () {
        if (state.yearTo >= last) { stop(); return; }
        state.yearTo += 1;
        show();
        applyFilters();
        if (state.yearTo >= last) stop();
      }, PLAY_STEP_MS);
    });
    show();
  }

  function resetFilters() {
    state.classes = new Set(DATA.classes.map(function (c) { return c.name; }));
    state.statuses = new Set(DATA.statuses.concat(["unspecified"]));
    state.yearFrom = 0;
    state.yearTo = Math.max(DATA.years.length - 1, 0);
    state.neighbourhood = null;
    state.pinned = new Set();
    state.path = null;
    document.querySelectorAll("#status-filter input, #legend input").forEach(function (cb) { cb.checked = true; });
    if (api.showYears) api.showYears();
    ["hood", "revealed", "expanded", "path"].forEach(function (k) { notice(k, ""); });
    applyFilters();
    mark();
  }

  function buildLegend() {
    var legend = byKey("legend"), items = byKey("legend-items");
    byKey("legend-title").textContent = T.legend;
    if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) legend.open = false;
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
      label.append(cb, symbol, el("span", null, c.label), el("span", "n", number(c.count)));
      items.appendChild(label);
    });
  }

  function explainCut() {
    if (!META.cut) return;
    var omitted = Object.keys(META.omitted).map(function (c) { return classLabel(c) + " " + number(META.omitted[c]); });
    notice("cut", fill(T.cut, { nodes: number(META.nodes), total: number(META.total), omitted: omitted.join("、") }), T.dismiss);
  }

  /* ------------------------------------------------------------ search */

  function search(query) {
    var q = norm(query);
    if (!q) return [];
    var scored = [];
    NODES.forEach(function (n) {
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
      if (n.initials && n.initials.indexOf(q) === 0) best = Math.min(best, n.initials === q ? 3 : 5);
      if (best < 99) scored.push([best, n.rank, n.label.length, n.label, n.id]);
    });
    scored.sort(function (a, b) {
      return a[0] - b[0] || a[2] - b[2] || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0) || a[1] - b[1];
    });
    return scored.slice(0, 15).map(function (s) { return s[4]; });
  }

  function setupSearch() {
    var input = byKey("search");
    var list = byKey("results");
    var hits = [];
    var active = 0;
    function render() {
      list.textContent = "";
      if (!input.value.trim()) { list.hidden = true; input.setAttribute("aria-expanded", "false"); return; }
      if (!hits.length) list.appendChild(el("li", "none", T.noResults));
      hits.forEach(function (id, i) {
        var n = NODES[id];
        var li = el("li", i === active ? "active" : "", n.name);
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        if (n.ctx) li.appendChild(el("span", "ctx", n.ctx));
        li.appendChild(el("span", "cls", classLabel(n.cls)));
        if (!nodeOn[id]) li.appendChild(el("span", "hidden-hit", T.hiddenHit));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(id); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function choose(id) {
      list.hidden = true;
      input.value = NODES[id].name;
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
        ev.stopPropagation();
      }
    });
    input.addEventListener("blur", function () { list.hidden = true; });
  }

  /** Select a node, centre it and open its panel; a node the filters hide is shown on its own, filters kept. */
  function select(id) {
    var n = NODES[id];
    if (!n) return false;
    if (!nodeOn[id]) {
      state.pinned.add(id);
      applyFilters();
      notice("revealed", fill(T.revealed, { label: n.name }), T.clear, function () {
        state.pinned.delete(id);
        applyFilters();
      });
    }
    state.selected = id;
    state.selectedEdge = -1;
    mark();
    R.focus(id, 1.0);
    showPanel(id);
    return true;
  }

  /* ------------------------------------------------------------ graph walks */

  /** Nodes within `hops` of id along typed relations (and co-occurrence if asked), whatever is shown. */
  function within(id, hops, withRelated) {
    var dist = new Map([[id, 0]]), queue = [id];
    for (var q = 0; q < queue.length; q++) {
      var n = queue[q], d = dist.get(n);
      if (d >= hops) continue;
      outgoing[n].concat(incoming[n]).forEach(function (j) {
        var e = EDGES[j];
        if (e.rel && !withRelated) return;
        var m = e.from === n ? e.to : e.from;
        if (!dist.has(m)) { dist.set(m, d + 1); queue.push(m); }
      });
    }
    return dist;
  }

  function showNeighbourhood(id, hops, withRelated) {
    hops = hops || 1;
    withRelated = withRelated === undefined ? state.related : !!withRelated;
    var set = new Set(within(id, hops, withRelated).keys());
    state.neighbourhood = { id: id, hops: hops, related: withRelated, set: set };
    applyFilters();
    var ids = Array.from(set).filter(function (i) { return nodeOn[i]; });
    notice("hood", fill(T.hood, { label: NODES[id].name, hops: hops, n: number(ids.length),
      kind: withRelated ? T.hoodRelated : T.hoodTyped }), T.exit, function () {
      state.neighbourhood = null;
      applyFilters();
    });
    R.fit(ids);
    state.selected = id;
    mark();
  }

  function expand(id, hops) {
    var added = 0;
    within(id, hops || 1, state.related).forEach(function (_, m) {
      if (!nodeOn[m] && !state.pinned.has(m)) { state.pinned.add(m); added += 1; }
    });
    if (state.neighbourhood) within(id, hops || 1, state.related).forEach(function (_, m) { state.neighbourhood.set.add(m); });
    applyFilters();
    notice("expanded", fill(T.expanded, { label: NODES[id].name, hops: hops || 1, n: number(added) }), T.dismiss);
    return added;
  }

  /** The shortest path between two nodes over the edges shown now (breadth-first, either direction). */
  function shortestPath(a, b) {
    var prev = new Map([[a, null]]), queue = [a];
    for (var q = 0; q < queue.length && !prev.has(b); q++) {
      var n = queue[q];
      outgoing[n].concat(incoming[n]).forEach(function (j) {
        if (!edgeOn[j]) return;
        var e = EDGES[j], m = e.from === n ? e.to : e.from;
        if (!prev.has(m)) { prev.set(m, j); queue.push(m); }
      });
    }
    if (!prev.has(b)) return null;
    var nodes = [b], edges = [], cur = b;
    while (cur !== a) {
      var j = prev.get(cur), e = EDGES[j];
      edges.unshift(j);
      cur = e.from === cur ? e.to : e.from;
      nodes.unshift(cur);
    }
    return { nodes: nodes, edges: edges };
  }

  function showPath(a, b) {
    var path = shortestPath(a, b);
    if (!path) {
      notice("path", fill(T.noPath, { from: NODES[a].name, to: NODES[b].name }), T.dismiss);
      return;
    }
    state.path = path;
    state.selected = -1;
    state.selectedEdge = -1;
    mark();
    R.fit(path.nodes);
    notice("path", fill(T.path, { from: NODES[a].name, to: NODES[b].name, n: path.edges.length }), T.clear, function () {
      state.path = null;
      mark();
    });
    panelPath(path);
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
    li.appendChild(highlighted(DATA.sentences[row[0]], names));
    var doc = DATA.documents[row[1]];
    var parts = [];
    if (doc) { parts.push("《" + doc.title + "》"); if (doc.date) parts.push(doc.date); }
    if (row[2]) parts.push(statusLabel(row[2]));
    if (row[3]) parts.push(row[3]);
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
      more.addEventListener("toggle", function () {
        if (more.open && !rest.childNodes.length) {
          rows.slice(EVIDENCE_SHOWN).forEach(function (r) { rest.appendChild(evidenceItem(r, names)); });
        }
      });
      more.appendChild(rest);
      ul.appendChild(more);
    }
    return ul;
  }

  function nodeLink(id) {
    var n = NODES[id];
    var b = el("button", "link", n.name);
    b.type = "button";
    b.title = classLabel(n.cls) + (n.ctx ? " · " + n.ctx : "");
    b.addEventListener("click", function () { select(id); });
    return b;
  }

  function tags(status, year) {
    var frag = document.createDocumentFragment();
    if (status) frag.appendChild(el("span", "tag " + status, statusLabel(status)));
    if (year) frag.appendChild(el("span", "tag", year));
    return frag;
  }

  function namesOf(n) { return [n.label, n.name].concat(n.aliases); }

  /** A collapsible group: summary with a count, the list built only when opened. */
  function group(title, count, open, build) {
    var d = el("details", "group");
    var s = el("summary", null, title + " ");
    s.appendChild(el("span", "n", "(" + count + ")"));
    d.appendChild(s);
    var built = false;
    function ensure() { if (!built) { built = true; d.appendChild(build()); } }
    d.addEventListener("toggle", function () { if (d.open) ensure(); });
    if (open) { d.open = true; ensure(); }
    return d;
  }

  function openPanel(kind, id) {
    var panel = byKey("panel");
    panel.textContent = "";
    panel.removeAttribute("data-node");
    panel.removeAttribute("data-edge");
    if (kind) panel.setAttribute(kind, String(id));
    var close = el("button", "close", "×");
    close.type = "button";
    close.title = T.close;
    close.setAttribute("aria-label", T.close);
    close.addEventListener("click", hidePanel);
    panel.appendChild(close);
    panel.hidden = false;
    return panel;
  }

  function showPanel(id) {
    var n = NODES[id];
    var panel = openPanel("data-node", id);
    var badge = el("span", "badge", classLabel(n.type));
    badge.style.background = n.color;
    panel.appendChild(badge);
    panel.appendChild(el("h2", "label", n.name));
    if (n.name !== n.label) panel.appendChild(el("p", "sub", n.label));

    var dl = el("dl");
    function row(k, v) { if (v) { dl.appendChild(el("dt", null, k)); dl.appendChild(el("dd", null, v)); } }
    row(T.cls, n.cls === n.type ? classLabel(n.cls) : classLabel(n.type) + " › " + classLabel(n.cls));
    row(T.context, n.ctx);
    row(T.aliases, n.aliases.join("、"));
    row(T.pinyin, n.pinyin);
    row(T.code, n.code);
    if (n.ind.value) row(T.value, n.ind.value.replace(/\.0+$/, "") + (n.ind.unit ? " " + n.ind.unit : ""));
    if (n.ind.indicatorKind) row(T.kind, T[n.ind.indicatorKind] || n.ind.indicatorKind);
    if (n.ind.status || n.ind.year) row(T.status, [statusLabel(n.ind.status), n.ind.year].filter(Boolean).join(" · "));
    row(T.iri, n.iri);
    panel.appendChild(dl);
    panel.appendChild(actions(id));

    // typed facts grouped by relation and direction; indicators get their own list; co-occurrence last
    var groups = new Map(), related = [], indicatorIds = new Set(n.inds);
    function add(j, other, dir) {
      var e = EDGES[j];
      if (e.rel) { related.push([e, other]); return; }
      if (e.p === "hasIndicator" && dir === "→") { indicatorIds.add(other); return; }
      var key = dir + e.p;
      if (!groups.has(key)) groups.set(key, { label: (dir === "←" ? "← " : "") + e.label, items: [] });
      groups.get(key).items.push([e, other]);
    }
    outgoing[id].forEach(function (j) { add(j, EDGES[j].to, "→"); });
    incoming[id].forEach(function (j) { add(j, EDGES[j].from, "←"); });
    var typedCount = 0;
    groups.forEach(function (g) { typedCount += g.items.length; });
    var evidenceOpen = typedCount <= EVIDENCE_OPEN_MAX;
    panel.appendChild(el("h3", null, fill(T.facts, { n: typedCount })));
    if (!typedCount && !related.length) panel.appendChild(el("p", "empty", T.none));
    groups.forEach(function (g) {
      panel.appendChild(group(g.label, g.items.length, g.items.length <= GROUP_OPEN_MAX, function () {
        var ul = el("ul", "facts");
        g.items.forEach(function (t) {
          var e = t[0], li = el("li");
          li.appendChild(nodeLink(t[1]));
          li.appendChild(tags(e.st, e.y));
          if (e.ev.length) {
            var names = namesOf(n).concat(namesOf(NODES[t[1]]));
            li.appendChild(evidenceOpen ? evidenceList(e.ev, names)
              : group(T.evidence, e.ev.length, false, function () { return evidenceList(e.ev, names); }));
          }
          ul.appendChild(li);
        });
        return ul;
      }));
    });
    if (related.length) {
      panel.appendChild(group(T.cooccur, related.length, false, function () {
        var ul = el("ul");
        related.forEach(function (t) {
          var li = el("li");
          li.appendChild(nodeLink(t[1]));
          if (t[0].n > 1) li.append(" ×" + t[0].n);
          ul.appendChild(li);
        });
        return ul;
      }));
    }
    if (indicatorIds.size) {
      var inds = Array.from(indicatorIds);
      panel.appendChild(group(T.indicators, inds.length, inds.length <= GROUP_OPEN_MAX * 3, function () {
        var ul = el("ul", "indicators");
        inds.forEach(function (i) {
          var ind = NODES[i], li = el("li");
          li.appendChild(nodeLink(i));
          if (ind.ind.value && ind.label.indexOf(ind.ind.value.replace(/\.0+$/, "")) < 0) {
            li.append(" = " + ind.ind.value.replace(/\.0+$/, "") + " " + (ind.ind.unit || ""));
          }
          li.appendChild(tags(ind.ind.status, ind.ind.year));
          ul.appendChild(li);
        });
        return ul;
      })).classList.add("top");
    }
    if (n.ev.length) {
      panel.appendChild(group(T.sources, n.ev.length, n.ev.length <= EVIDENCE_SHOWN, function () {
        var list = evidenceList(n.ev, namesOf(n));
        list.classList.add("mentions");
        return list;
      })).classList.add("top");
    } else {
      var none = el("h3", null, T.sources + " ");
      none.appendChild(el("span", "empty", T.none));
      panel.appendChild(none);
    }
    writeHash();
  }

  function actions(id) {
    var box = el("div", "actions");
    var hops = el("select");
    hops.setAttribute("aria-label", T.hops);
    [1, 2, 3].forEach(function (h) { hops.appendChild(new Option(h + " " + T.hops, String(h))); });
    var withRel = el("input");
    withRel.type = "checkbox";
    withRel.checked = state.related;
    var withLabel = el("label");
    withLabel.append(withRel, " " + T.withRelated);
    function button(text, fn) {
      var b = el("button", "action", text);
      b.type = "button";
      b.addEventListener("click", fn);
      box.appendChild(b);
      return b;
    }
    button(T.neighbourhood, function () { showNeighbourhood(id, +hops.value, withRel.checked); }).className += " hood";
    box.appendChild(hops);
    box.appendChild(withLabel);
    button(T.expand, function () { expand(id, +hops.value); }).className += " expand";
    if (state.pathStart >= 0 && state.pathStart !== id) {
      button(T.pathTo, function () { showPath(state.pathStart, id); }).className += " path-to";
    }
    button(T.pathFrom, function () {
      state.pathStart = id;
      notice("path", fill(T.pathStart, { label: NODES[id].name }), T.clear, function () { state.pathStart = -1; });
    }).className += " path-from";
    return box;
  }

  function edgeBlock(e, names) {
    var frag = document.createDocumentFragment();
    var line = el("p", "edge-line");
    line.appendChild(nodeLink(e.from));
    line.append(e.rel ? " — " : " → ");
    line.appendChild(el("strong", null, e.label));
    line.append(e.rel ? " — " : " → ");
    line.appendChild(nodeLink(e.to));
    line.appendChild(tags(e.st, e.y));
    if (e.n > 1) line.append(" ×" + e.n);
    frag.appendChild(line);
    if (e.ev.length) frag.appendChild(evidenceList(e.ev, names));
    return frag;
  }

  function showEdge(j) {
    var e = EDGES[j];
    if (!e) return false;
    state.selected = -1;
    state.selectedEdge = j;
    mark();
    var panel = openPanel("data-edge", j);
    panel.appendChild(el("span", "badge", T.edgeTitle)).style.background = "#777";
    panel.appendChild(el("h2", "label", NODES[e.from].name + (e.rel ? " — " : " → ") + NODES[e.to].name));
    panel.appendChild(edgeBlock(e, namesOf(NODES[e.from]).concat(namesOf(NODES[e.to]))));
    return true;
  }

  function panelPath(path) {
    var panel = openPanel(null, null);
    panel.setAttribute("data-path", path.nodes.join(","));
    panel.appendChild(el("h2", "label", fill(T.pathTitle, { n: path.edges.length })));
    var ol = el("ol", "path");
    path.edges.forEach(function (j) {
      var e = EDGES[j], li = el("li");
      li.appendChild(edgeBlock(e, namesOf(NODES[e.from]).concat(namesOf(NODES[e.to]))));
      ol.appendChild(li);
    });
    panel.appendChild(ol);
  }

  function hidePanel() {
    byKey("panel").hidden = true;
    state.selected = -1;
    state.selectedEdge = -1;
    mark();
    writeHash();
  }

  /* ------------------------------------------------------------ exports of what is shown */

  function csvCell(v) {
    var s = String(v === undefined || v === null ? "" : v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // spreadsheets must not read a label as a formula
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csv(rows) { return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n"; }
  function nodesCsv() {
    var rows = [["id", "label", "name", "class", "type", "context", "x", "y", "iri"]];
    NODES.forEach(function (n) {
      if (!nodeOn[n.id]) return;
      var p = R.position(n.id);
      rows.push([n.id, n.label, n.name, n.cls, n.type, n.ctx, Math.round(p[0]), Math.round(p[1]), n.iri]);
    });
    return csv(rows);
  }
  function edgesCsv() {
    var rows = [["source", "target", "source_label", "target_label", "predicate", "label", "status", "year", "count", "evidence"]];
    EDGES.forEach(function (e) {
      if (!edgeOn[e.id]) return;
      rows.push([e.from, e.to, NODES[e.from].label, NODES[e.to].label, e.p, e.label, e.st, e.y, e.n,
        e.ev.length ? DATA.sentences[e.ev[0][0]] : ""]);
    });
    return csv(rows);
  }
  function xml(v) {
    return String(v === undefined || v === null ? "" : v)
      .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/g, "")
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function graphml() {
    var out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
      '<key id="label" for="node" attr.name="label" attr.type="string"/>',
      '<key id="class" for="node" attr.name="class" attr.type="string"/>',
      '<key id="type" for="node" attr.name="type" attr.type="string"/>',
      '<key id="iri" for="node" attr.name="iri" attr.type="string"/>',
      '<key id="x" for="node" attr.name="x" attr.type="double"/>',
      '<key id="y" for="node" attr.name="y" attr.type="double"/>',
      '<key id="color" for="node" attr.name="color" attr.type="string"/>',
      '<key id="predicate" for="edge" attr.name="predicate" attr.type="string"/>',
      '<key id="elabel" for="edge" attr.name="label" attr.type="string"/>',
      '<key id="status" for="edge" attr.name="status" attr.type="string"/>',
      '<key id="year" for="edge" attr.name="year" attr.type="string"/>',
      '<graph id="policykg" edgedefault="directed">'];
    NODES.forEach(function (n) {
      if (!nodeOn[n.id]) return;
      var p = R.position(n.id);
      out.push('<node id="n' + n.id + '"><data key="label">' + xml(n.label) + '</data><data key="class">' + xml(n.cls) +
        '</data><data key="type">' + xml(n.type) + '</data><data key="iri">' + xml(n.iri) + '</data><data key="x">' +
        p[0].toFixed(1) + '</data><data key="y">' + p[1].toFixed(1) + '</data><data key="color">' + xml(n.color) + '</data></node>');
    });
    EDGES.forEach(function (e) {
      if (!edgeOn[e.id]) return;
      out.push('<edge id="e' + e.id + '" source="n' + e.from + '" target="n' + e.to + '"><data key="predicate">' + xml(e.p) +
        '</data><data key="elabel">' + xml(e.label) + '</data><data key="status">' + xml(e.st) + '</data><data key="year">' +
        xml(e.y) + '</data></edge>');
    });
    out.push("</graph>", "</graphml>", "");
    return out.join("\n");
  }
  function dataUrlBlob(url) {
    var bytes = atob(url.split(",")[1]), buf = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) buf[i] = bytes.charCodeAt(i);
    return new Blob([buf], { type: "image/png" });
  }
  function download(name, blob) {
    var a = el("a");
    a.download = name;
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  /* ------------------------------------------------------------ the view in the URL: #focus=…&classes=…&year=… */

  var hashReady = false;
  function writeHash() {
    if (!hashReady) return;
    var p = [];
    var focus = state.neighbourhood ? state.neighbourhood.id : state.selected;
    if (focus >= 0) p.push("focus=" + encodeURIComponent(hashName(focus)));
    if (state.neighbourhood) p.push("hops=" + state.neighbourhood.hops + (state.neighbourhood.related ? "&with=related" : ""));
    if (state.classes.size < DATA.classes.length) p.push("classes=" + Array.from(state.classes).map(encodeURIComponent).join(","));
    if (state.statuses.size < DATA.statuses.length + 1) p.push("status=" + Array.from(state.statuses).join(","));
    if (yearsFiltered()) p.push("year=" + DATA.years[state.yearFrom] + (state.yearTo !== state.yearFrom ? "-" + DATA.years[state.yearTo] : ""));
    if (state.related !== !!META.related) p.push("related=" + (state.related ? 1 : 0));
    var hash = p.length ? "#" + p.join("&") : "";
    try {
      if (location.hash !== hash) history.replaceState(null, "", hash || location.pathname + location.search);
    } catch (err) { /* about:srcdoc in a notebook has no URL to keep the view in */ }
  }
  function hashName(id) {
    var n = NODES[id], same = 0;
    NODES.forEach(function (m) { if (m.label === n.label) same += 1; });
    return same > 1 ? n.iri : n.label;
  }
  function findNamed(name) {
    for (var i = 0; i < N; i++) if (NODES[i].iri === name || NODES[i].label === name) return i;
    var hits = search(name);
    return hits.length ? hits[0] : -1;
  }
  /** Reopen a view from a hash such as #focus=华容区&classes=Place,Project&year=2022-2023&hops=2. */
  function applyHash(hash) {
    var params = {};
    String(hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) params[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    });
    if (params.classes) {
      var wanted = params.classes.split(",").filter(function (c) { return CLASSES.has(c); });
      if (wanted.length) state.classes = new Set(wanted);
    }
    if (params.status) state.statuses = new Set(params.status.split(","));
    if (params.year) {
      var ys = params.year.split("-"), from = DATA.years.indexOf(ys[0]), to = DATA.years.indexOf(ys[1] || ys[0]);
      if (from >= 0 && to >= from) { state.yearFrom = from; state.yearTo = to; }
    }
    if (params.related) state.related = params.related === "1";
    document.querySelectorAll("#legend input").forEach(function (cb) { cb.checked = state.classes.has(cb.value); });
    document.querySelectorAll("#status-filter input").forEach(function (cb) { cb.checked = state.statuses.has(cb.value); });
    byKey("related").checked = state.related;
    if (api.showYears) api.showYears();
    applyFilters();
    var focus = params.focus ? findNamed(params.focus) : -1;
    if (focus >= 0 && params.hops) showNeighbourhood(focus, Math.max(1, +params.hops || 1), params["with"] === "related");
    if (focus >= 0) select(focus);
    return focus;
  }

  /* ------------------------------------------------------------ keyboard */

  function setupKeys() {
    document.addEventListener("keydown", function (ev) {
      var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
      if (ev.key === "Escape") {
        if (!byKey("panel").hidden) { hidePanel(); container.focus(); ev.preventDefault(); }
        byKey("export").open = false;
        return;
      }
      if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var step = 80;
      switch (ev.key) {
        case "/": byKey("search").focus(); break;
        case "+": case "=": R.zoom(1.25); break;
        case "-": case "_": R.zoom(0.8); break;
        case "0": R.fit(); break;
        case "ArrowLeft": R.pan(step, 0); break;
        case "ArrowRight": R.pan(-step, 0); break;
        case "ArrowUp": R.pan(0, step); break;
        case "ArrowDown": R.pan(0, -step); break;
        case "Enter": if (state.selected >= 0 && byKey("panel").hidden) showPanel(state.selected); else return; break;
        default: return;
      }
      ev.preventDefault();
    });
    container.setAttribute("aria-label", T.viewLabel);
  }

  /* ------------------------------------------------------------ start */

  R.on("node", function (id) { state.selected = id; state.selectedEdge = -1; mark(); showPanel(id); });
  R.on("edge", function (j) { showEdge(j); });
  R.on("background", function () { if (!byKey("panel").hidden) hidePanel(); });
  R.on("ready", function () {
    if (api.ready) return;
    api.ready = true;
    byKey("loading").hidden = true;
    document.documentElement.setAttribute("data-ready", "true");
  });

  buildToolbar();
  buildLegend();
  setupSearch();
  setupKeys();
  explainCut();
  applyFilters();
  openingView();
  hashReady = true;
  if (location.hash.length > 1) applyHash(location.hash);

  /** Fit the graph; if that leaves the most important labels unreadable (vis-network scales text with the
   * graph), zoom to where they are readable around the most important node instead. */
  function openingView() {
    R.fit();
    if (R.kind !== "vis" || !N) return;
    var top = NODES.reduce(function (a, b) { return b.rank < a.rank ? b : a; });
    if (R.labelPx(top.id) < 11) R.focus(top.id, 11 / 26);
  }
})();

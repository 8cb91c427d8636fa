/* policykg canvas renderer: a graph of tens of thousands of nodes on one 2D canvas, for views too large for
 * vis-network. Headless Chromium without a GPU draws WebGL through SwiftShader, where sigma.js managed 2-8 frames
 * per second at 13,000 nodes; a 2D canvas that culls what is off screen, batches paths by colour and labels only
 * what has room (the most important first) stays near 30. Text reaches the canvas through fillText only. */
(function (root) {
  "use strict";

  var SHAPES = {
    dot: function (c, x, y, r) { c.moveTo(x + r, y); c.arc(x, y, r, 0, 6.283185307179586); },
    square: function (c, x, y, r) { c.rect(x - r, y - r, 2 * r, 2 * r); },
    box: function (c, x, y, r) { c.rect(x - r * 1.3, y - r * 0.8, 2.6 * r, 1.6 * r); },
    diamond: function (c, x, y, r) { r *= 1.25; c.moveTo(x, y - r); c.lineTo(x + r, y); c.lineTo(x, y + r); c.lineTo(x - r, y); c.closePath(); },
    triangle: function (c, x, y, r) { r *= 1.25; c.moveTo(x, y - r); c.lineTo(x + r, y + r * 0.8); c.lineTo(x - r, y + r * 0.8); c.closePath(); },
    triangleDown: function (c, x, y, r) { r *= 1.25; c.moveTo(x, y + r); c.lineTo(x + r, y - r * 0.8); c.lineTo(x - r, y - r * 0.8); c.closePath(); },
    hexagon: function (c, x, y, r) {
      r *= 1.1;
      for (var i = 0; i < 6; i++) {
        var a = Math.PI / 3 * i;
        if (i) c.lineTo(x + r * Math.cos(a), y + r * Math.sin(a)); else c.moveTo(x + r, y);
      }
      c.closePath();
    },
    star: function (c, x, y, r) {
      r *= 1.3;
      for (var i = 0; i < 10; i++) {
        var a = Math.PI / 5 * i - Math.PI / 2, q = i % 2 ? r * 0.45 : r;
        if (i) c.lineTo(x + q * Math.cos(a), y + q * Math.sin(a)); else c.moveTo(x + q * Math.cos(a), y + q * Math.sin(a));
      }
      c.closePath();
    }
  };
  var LABEL_CELL = 10;        // px: the grid labels reserve room on
  var MAX_LABELS = 350;       // per frame
  var ALWAYS_LABELLED = 12;   // the most important nodes are labelled at every zoom (if there is room)
  var LABEL_MIN_RADIUS = 5;   // px: other nodes get a label once drawn this large
  var DETAIL_MAX = 4000;      // nodes on screen below which shapes, arrows and dashes are drawn
  var SETTLE_MS = 150;        // after the last wheel or pinch input, the scene is painted again at the new zoom
  var EDGE_INK = 800;         // edges on screen above which each is drawn fainter (many edges make a haze, not a blot)

  /**
   * nodes: [{x, y, size, color, shape, label, rank, faint}], edges: [{from, to, arrow, faint, dashed, label}]
   * (from/to are indices into nodes). options: {colors: {background, edge, faintEdge, label, halo, highlight, …},
   * alwaysLabelled: nodes of a rank below this are labelled at every zoom where there is room}.
   */
  function CanvasGraph(container, nodes, edges, options) {
    var self = this;
    this.container = container;
    this.nodes = nodes;
    this.edges = edges;
    this.colors = options.colors;
    this.alwaysLabelled = Math.max(ALWAYS_LABELLED, options.alwaysLabelled || 0);
    this.listeners = {};
    var n = nodes.length, m = edges.length;
    this.X = new Float64Array(n);
    this.Y = new Float64Array(n);
    this.R = new Float32Array(n);
    this.nodeOn = new Uint8Array(n).fill(1);
    this.edgeOn = new Uint8Array(m).fill(1);
    this.byRank = [];
    nodes.forEach(function (d, i) { self.X[i] = d.x; self.Y[i] = d.y; self.R[i] = d.size; self.byRank.push(i); });
    this.byRank.sort(function (a, b) { return nodes[a].rank - nodes[b].rank; });
    this.groups = {};  // colour + shape -> node indices, so one path is filled per group
    nodes.forEach(function (d, i) {
      var key = d.color + "|" + d.shape + "|" + (d.faint ? 1 : 0);
      (self.groups[key] = self.groups[key] || { color: d.color, shape: d.shape, faint: d.faint, items: [] }).items.push(i);
    });
    this.highlight = null;   // {nodes: Set, edges: Set} drawn on top, the rest faded
    this.selected = -1;
    this.selectedEdge = -1;
    this.labelsDrawn = [];
    this.widths = new Map();
    this.camera = { x: 0, y: 0, scale: 1 };
    this.canvas = document.createElement("canvas");
    this.canvas.className = "graph-canvas";
    container.appendChild(this.canvas);
    this.ctx = this.canvas.getContext("2d", { alpha: false });
    this.tooltip = document.createElement("div");
    this.tooltip.className = "graph-tooltip";
    this.tooltip.hidden = true;
    container.appendChild(this.tooltip);
    this.frame = 0;
    this.version = 0;
    this.resize();
    this.bind();
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () { self.resize(); self.invalidate(); }).observe(container);
    }
  }

  CanvasGraph.prototype.on = function (event, fn) { (this.listeners[event] = this.listeners[event] || []).push(fn); };
  CanvasGraph.prototype.emit = function (event, arg) {
    (this.listeners[event] || []).forEach(function (fn) { fn(arg); });
  };

  CanvasGraph.prototype.resize = function () {
    var ratio = window.devicePixelRatio || 1;
    this.width = Math.max(1, this.container.clientWidth);
    this.height = Math.max(1, this.container.clientHeight);
    this.ratio = ratio;
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.canvas.style.width = this.width + "px";
    this.canvas.style.height = this.height + "px";
  };

  /* ------------------------------------------------------------ camera */

  CanvasGraph.prototype.toScreen = function (x, y) {
    var c = this.camera;
    return [(x - c.x) * c.scale + this.width / 2, (y - c.y) * c.scale + this.height / 2];
  };
  CanvasGraph.prototype.toGraph = function (sx, sy) {
    var c = this.camera;
    return [(sx - this.width / 2) / c.scale + c.x, (sy - this.height / 2) / c.scale + c.y];
  };
  CanvasGraph.prototype.moveTo = function (x, y, scale) {
    this.camera = { x: x, y: y, scale: Math.min(8, Math.max(0.002, scale)) };
    this.draw();
  };
  CanvasGraph.prototype.zoomAt = function (factor, sx, sy) {
    var before = this.toGraph(sx, sy);
    var scale = Math.min(8, Math.max(0.002, this.camera.scale * factor));
    this.camera = { scale: scale, x: before[0] - (sx - this.width / 2) / scale, y: before[1] - (sy - this.height / 2) / scale };
    this.draw();
  };
  CanvasGraph.prototype.panBy = function (dx, dy) {
    var c = this.camera;
    this.moveTo(c.x - dx / c.scale, c.y - dy / c.scale, c.scale);
  };
  /** Fit the given node indices (default: every visible node) into the view. */
  CanvasGraph.prototype.fit = function (ids) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, any = false, self = this;
    var list = ids || this.nodes.map(function (_, i) { return i; }).filter(function (i) { return self.nodeOn[i]; });
    list.forEach(function (i) {
      var r = self.R[i];
      x0 = Math.min(x0, self.X[i] - r); x1 = Math.max(x1, self.X[i] + r);
      y0 = Math.min(y0, self.Y[i] - r); y1 = Math.max(y1, self.Y[i] + r);
      any = true;
    });
    if (!any) { this.moveTo(0, 0, 1); return; }
    var scale = Math.min((this.width - 40) / Math.max(x1 - x0, 1), (this.height - 40) / Math.max(y1 - y0, 1), 1.5);
    this.moveTo((x0 + x1) / 2, (y0 + y1) / 2, scale);
  };

  /* ------------------------------------------------------------ drawing */

  CanvasGraph.prototype.draw = function () {
    var self = this;
    if (this.pending) return;
    this.pending = requestAnimationFrame(function () { self.pending = 0; self.render(); });
  };

  CanvasGraph.prototype.textWidth = function (text, font) {
    var key = font + "\u0000" + text;
    var w = this.widths.get(key);
    if (w === undefined) {
      this.ctx.font = font;
      w = this.ctx.measureText(text).width;
      this.widths.set(key, w);
    }
    return w;
  };

  /**
   * A frame. The scene is painted into a cache twice the view's size around the camera; panning inside it, and
   * zooming while the wheel or a pinch is still moving, only copy the cache (a software-rendered canvas takes tens
   * of milliseconds to draw 30,000 edges, a copy one or two); the scene is painted again when the view leaves the
   * cache, a zoom settles, or what is shown changes. While a layout runs, every frame is painted directly.
   */
  CanvasGraph.prototype.render = function () {
    var c = this.ctx, cam = this.camera, W = this.width, H = this.height;
    c.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    if (this.live) {
      this.paint({ c: c, W: W, H: H, cam: cam });
    } else {
      var cache = this.cache, usable = cache && cache.version === this.version;
      var exact = usable && cache.cam.scale === cam.scale && this.covers(cache, cam);
      if (!exact && !(usable && this.interacting() && cache.cam.scale !== cam.scale)) {
        this.paintCache();
        cache = this.cache;
        exact = true;
      }
      var s = cam.scale / cache.cam.scale;
      var dx = W / 2 + (cache.cam.x - cam.x) * cam.scale - cache.W / 2 * s;
      var dy = H / 2 + (cache.cam.y - cam.y) * cam.scale - cache.H / 2 * s;
      if (!exact) { c.fillStyle = this.colors.background; c.fillRect(0, 0, W, H); }
      c.imageSmoothingEnabled = !exact;
      c.drawImage(cache.canvas, 0, 0, cache.canvas.width, cache.canvas.height, dx, dy, cache.W * s, cache.H * s);
      if (!exact) this.settleLater();
    }
    this.frame += 1;
    this.emit("render", this);
  };

  CanvasGraph.prototype.covers = function (cache, cam) {
    var left = (cam.x - cache.cam.x) * cam.scale + cache.W / 2 - this.width / 2;
    var top = (cam.y - cache.cam.y) * cam.scale + cache.H / 2 - this.height / 2;
    return left >= 0 && top >= 0 && left + this.width <= cache.W && top + this.height <= cache.H;
  };
  CanvasGraph.prototype.interacting = function () { return performance.now() - (this.lastInput || 0) < SETTLE_MS; };
  CanvasGraph.prototype.settleLater = function () {
    var self = this;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(function () { self.draw(); }, SETTLE_MS + 10);
  };
  /** What is shown changed: the next frame paints the scene again. */
  CanvasGraph.prototype.invalidate = function () { this.version = (this.version || 0) + 1; this.draw(); };

  CanvasGraph.prototype.paintCache = function () {
    var W = this.width * 2, H = this.height * 2, ratio = this.ratio, cache = this.cache;
    if (!cache || cache.W !== W || cache.H !== H) {
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(W * ratio);
      canvas.height = Math.round(H * ratio);
      cache = this.cache = { canvas: canvas, c: canvas.getContext("2d", { alpha: false }), W: W, H: H };
    }
    cache.cam = { x: this.camera.x, y: this.camera.y, scale: this.camera.scale };
    cache.version = this.version;
    cache.c.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.paint({ c: cache.c, W: W, H: H, cam: cache.cam });
  };

  /** Paint the whole scene onto f.c (f.W × f.H CSS pixels, centred on the camera f.cam). */
  CanvasGraph.prototype.paint = function (f) {
    var c = f.c, k = f.cam.scale, W = f.W, H = f.H;
    var X = this.X, Y = this.Y, R = this.R, nodeOn = this.nodeOn;
    f.k = k;
    f.ox = W / 2 - f.cam.x * k;
    f.oy = H / 2 - f.cam.y * k;
    c.fillStyle = this.colors.background;
    c.fillRect(0, 0, W, H);
    var n = X.length, onScreen = this.onScreen || (this.onScreen = new Uint8Array(n)), count = 0;
    for (var i = 0; i < n; i++) {
      var sx = X[i] * k + f.ox, sy = Y[i] * k + f.oy, r = R[i] * k + 2;
      var v = nodeOn[i] && sx > -r && sx < W + r && sy > -r && sy < H + r ? 1 : 0;
      onScreen[i] = v;
      count += v;
    }
    f.onScreen = onScreen;
    f.detail = count < DETAIL_MAX;
    this.drawEdges(f);
    this.drawNodes(f);
    this.drawLabels(f);
  };

  CanvasGraph.prototype.drawEdges = function (f) {
    var c = f.c, k = f.k, ox = f.ox, oy = f.oy, W = f.W, H = f.H;
    var X = this.X, Y = this.Y, edges = this.edges, edgeOn = this.edgeOn;
    var hl = this.highlight, colors = this.colors, m = edges.length, shown = this.shown || (this.shown = new Int32Array(m));
    var drawn = 0;
    for (var j = 0; j < m; j++) {  // the edges that cross the painted area
      if (!edgeOn[j]) continue;
      var e = edges[j];
      var x1 = X[e.from] * k + ox, y1 = Y[e.from] * k + oy, x2 = X[e.to] * k + ox, y2 = Y[e.to] * k + oy;
      if ((x1 < 0 && x2 < 0) || (x1 > W && x2 > W) || (y1 < 0 && y2 < 0) || (y1 > H && y2 > H)) continue;
      shown[drawn++] = j;
    }
    var area = W * H / (this.width * this.height);  // the cache is four screens: ink as for what one shows
    var alpha = Math.max(0.06, Math.min(1, EDGE_INK * area / Math.max(1, drawn)));  // many edges fade to a haze
    c.lineWidth = 1;
    for (var p = 0; p < 2; p++) {
      var faint = p === 1;
      c.strokeStyle = faint ? colors.faintEdge : colors.edge;
      c.globalAlpha = hl ? Math.min(alpha, 0.25) : alpha;
      if (faint && f.detail) c.setLineDash([4, 4]);
      c.beginPath();
      for (var t = 0; t < drawn; t++) {
        var g = edges[shown[t]];
        if (!!g.faint !== faint) continue;
        c.moveTo(X[g.from] * k + ox, Y[g.from] * k + oy);
        c.lineTo(X[g.to] * k + ox, Y[g.to] * k + oy);
      }
      c.stroke();
      c.setLineDash([]);
    }
    c.globalAlpha = 1;
    if (f.detail && drawn < 1500 * area) this.drawArrows(f, false);
    if (hl || this.selectedEdge >= 0) {
      c.strokeStyle = colors.highlight;
      c.lineWidth = 2.5;
      c.beginPath();
      var self = this;
      var marked = hl ? Array.from(hl.edges) : [];
      if (this.selectedEdge >= 0) marked.push(this.selectedEdge);
      marked.forEach(function (i) {
        var h = edges[i];
        if (!self.nodeOn[h.from] || !self.nodeOn[h.to]) return;
        c.moveTo(X[h.from] * k + ox, Y[h.from] * k + oy);
        c.lineTo(X[h.to] * k + ox, Y[h.to] * k + oy);
      });
      c.stroke();
      c.lineWidth = 1;
      if (f.detail) this.drawArrows(f, true);
    }
    if (f.detail && drawn < 250 * area && k > 0.6) this.drawEdgeLabels(f);
  };

  CanvasGraph.prototype.drawArrows = function (f, highlighted) {
    var c = f.c, k = f.k, ox = f.ox, oy = f.oy, W = f.W, H = f.H;
    var X = this.X, Y = this.Y, R = this.R, edges = this.edges, hl = this.highlight;
    c.fillStyle = highlighted ? this.colors.highlight : this.colors.edge;
    c.globalAlpha = hl && !highlighted ? 0.25 : 1;
    c.beginPath();
    for (var j = 0; j < edges.length; j++) {
      var e = edges[j];
      if (!this.edgeOn[j] || !e.arrow) continue;
      if (highlighted && !(hl && hl.edges.has(j)) && j !== this.selectedEdge) continue;
      var x1 = X[e.from] * k + ox, y1 = Y[e.from] * k + oy, x2 = X[e.to] * k + ox, y2 = Y[e.to] * k + oy;
      if (x2 < 0 || x2 > W || y2 < 0 || y2 > H) continue;
      var dx = x2 - x1, dy = y2 - y1, len = Math.sqrt(dx * dx + dy * dy);
      if (len < 24) continue;
      var ux = dx / len, uy = dy / len, back = R[e.to] * k + 2, s = 7;
      var tx = x2 - ux * back, ty = y2 - uy * back;
      c.moveTo(tx, ty);
      c.lineTo(tx - ux * s - uy * s * 0.5, ty - uy * s + ux * s * 0.5);
      c.lineTo(tx - ux * s + uy * s * 0.5, ty - uy * s - ux * s * 0.5);
      c.closePath();
    }
    c.fill();
    c.globalAlpha = 1;
  };

  CanvasGraph.prototype.drawEdgeLabels = function (f) {
    var c = f.c, k = f.k, ox = f.ox, oy = f.oy, W = f.W, H = f.H, X = this.X, Y = this.Y, edges = this.edges;
    c.font = "11px " + this.colors.font;
    c.textAlign = "center";
    c.textBaseline = "middle";
    c.lineWidth = 3;
    c.strokeStyle = this.colors.halo;
    c.fillStyle = this.colors.edgeLabel;
    for (var j = 0; j < edges.length; j++) {
      var e = edges[j];
      if (!this.edgeOn[j] || !e.label) continue;
      var x = (X[e.from] + X[e.to]) / 2 * k + ox, y = (Y[e.from] + Y[e.to]) / 2 * k + oy;
      if (x < 0 || x > W || y < 0 || y > H) continue;
      c.strokeText(e.label, x, y);
      c.fillText(e.label, x, y);
    }
  };

  CanvasGraph.prototype.drawNodes = function (f) {
    var c = f.c, k = f.k, ox = f.ox, oy = f.oy, onScreen = f.onScreen, detail = f.detail;
    var X = this.X, Y = this.Y, R = this.R, hl = this.highlight, self = this;
    Object.keys(this.groups).forEach(function (key) {
      var g = self.groups[key], items = g.items, shape = SHAPES[g.shape] || SHAPES.dot;
      c.fillStyle = g.color;
      c.globalAlpha = (g.faint ? 0.6 : 1) * (hl ? 0.25 : 1);
      c.beginPath();
      for (var t = 0; t < items.length; t++) {
        var i = items[t];
        if (!onScreen[i]) continue;
        var r = Math.max(1.5, R[i] * k), x = X[i] * k + ox, y = Y[i] * k + oy;
        if (!detail || r < 2.5) c.rect(x - r, y - r, 2 * r, 2 * r);
        else shape(c, x, y, r);
      }
      c.fill();
    });
    c.globalAlpha = 1;
    var marked = [];
    if (hl) hl.nodes.forEach(function (i) { marked.push(i); });
    if (this.selected >= 0) marked.push(this.selected);
    marked.forEach(function (i) {
      if (!onScreen[i]) return;
      var d = self.nodes[i], r = Math.max(3, R[i] * k), x = X[i] * k + ox, y = Y[i] * k + oy;
      c.fillStyle = d.color;
      c.beginPath();
      (SHAPES[d.shape] || SHAPES.dot)(c, x, y, r);
      c.fill();
      c.lineWidth = i === self.selected ? 3 : 2;
      c.strokeStyle = self.colors.highlight;
      c.stroke();
    });
    c.lineWidth = 1;
  };

  CanvasGraph.prototype.drawLabels = function (f) {
    var c = f.c, k = f.k, ox = f.ox, oy = f.oy, W = f.W, H = f.H, onScreen = f.onScreen;
    var X = this.X, Y = this.Y, R = this.R, nodes = this.nodes;
    var cols = Math.ceil(W / LABEL_CELL) + 1, rows = Math.ceil(H / LABEL_CELL) + 1;
    var used = this.labelGrid && this.labelGrid.length === cols * rows ? this.labelGrid : new Uint8Array(cols * rows);
    used.fill(0);
    this.labelGrid = used;
    var hl = this.highlight, drawn = [], font = this.colors.font, most = MAX_LABELS * W * H / (this.width * this.height);
    var forced = [];
    if (this.selected >= 0) forced.push(this.selected);
    if (hl) hl.nodes.forEach(function (i) { forced.push(i); });
    var forcedSet = new Set(forced);
    var order = forced.concat(this.byRank);
    c.textAlign = "left";
    c.textBaseline = "middle";
    c.lineWidth = 3;
    c.strokeStyle = this.colors.halo;
    for (var t = 0; t < order.length && drawn.length < most; t++) {
      var i = order[t];
      if (!onScreen[i]) continue;
      var important = t < forced.length || nodes[i].rank < this.alwaysLabelled;
      var r = R[i] * k;
      if (!important && r < LABEL_MIN_RADIUS) continue;
      if (t >= forced.length && forcedSet.has(i)) continue;
      var big = nodes[i].rank < ALWAYS_LABELLED || forcedSet.has(i);
      var font_ = (big ? "bold 14px " : "12px ") + font;
      var text = nodes[i].label;
      var w = this.textWidth(text, font_), h = big ? 18 : 15;
      var x = X[i] * k + ox + Math.max(r, 1.5) + 3, y = Y[i] * k + oy;
      var cx0 = Math.max(0, Math.floor(x / LABEL_CELL)), cx1 = Math.min(cols - 1, Math.floor((x + w) / LABEL_CELL));
      var cy0 = Math.max(0, Math.floor((y - h / 2) / LABEL_CELL)), cy1 = Math.min(rows - 1, Math.floor((y + h / 2) / LABEL_CELL));
      var free = true;
      for (var gy = cy0; gy <= cy1 && free; gy++) {
        for (var gx = cx0; gx <= cx1; gx++) { if (used[gy * cols + gx]) { free = false; break; } }
      }
      if (!free && !forcedSet.has(i)) continue;
      for (gy = cy0; gy <= cy1; gy++) for (gx = cx0; gx <= cx1; gx++) used[gy * cols + gx] = 1;
      c.font = font_;
      c.fillStyle = hl && !forcedSet.has(i) ? this.colors.faintLabel : this.colors.label;
      c.strokeText(text, x, y);
      c.fillText(text, x, y);
      drawn.push(i);
    }
    this.labelsDrawn = drawn;
  };

  /** Nodes whose label the last painted scene shows inside the current view. */
  CanvasGraph.prototype.visibleLabels = function () {
    var self = this, W = this.width, H = this.height;
    return this.labelsDrawn.filter(function (i) {
      var p = self.toScreen(self.X[i], self.Y[i]);
      return p[0] >= 0 && p[0] <= W && p[1] >= 0 && p[1] <= H;
    });
  };

  /* ------------------------------------------------------------ picking */

  /** The visible node under a screen point (the topmost: the last drawn), or -1. */
  CanvasGraph.prototype.nodeAt = function (sx, sy) {
    var k = this.camera.scale, p = this.toGraph(sx, sy), best = -1, bestD = Infinity;
    for (var i = 0; i < this.X.length; i++) {
      if (!this.nodeOn[i]) continue;
      var r = Math.max(this.R[i], 5 / k), dx = this.X[i] - p[0], dy = this.Y[i] - p[1], d = dx * dx + dy * dy;
      if (d <= r * r && d < bestD) { best = i; bestD = d; }
    }
    return best;
  };

  /** The visible edge within 5 px of a screen point, or -1. */
  CanvasGraph.prototype.edgeAt = function (sx, sy) {
    var best = -1, bestD = 25;
    for (var j = 0; j < this.edges.length; j++) {
      if (!this.edgeOn[j]) continue;
      var e = this.edges[j], a = this.toScreen(this.X[e.from], this.Y[e.from]), b = this.toScreen(this.X[e.to], this.Y[e.to]);
      var dx = b[0] - a[0], dy = b[1] - a[1], l2 = dx * dx + dy * dy;
      var t = l2 ? Math.max(0, Math.min(1, ((sx - a[0]) * dx + (sy - a[1]) * dy) / l2)) : 0;
      var px = a[0] + t * dx - sx, py = a[1] + t * dy - sy, d = px * px + py * py;
      if (d < bestD) { best = j; bestD = d; }
    }
    return best;
  };

  /* ------------------------------------------------------------ input */

  CanvasGraph.prototype.bind = function () {
    var self = this, canvas = this.canvas, pointers = new Map(), drag = null, pinch = null;
    function local(ev) {
      var box = canvas.getBoundingClientRect();
      return [ev.clientX - box.left, ev.clientY - box.top];
    }
    canvas.addEventListener("pointerdown", function (ev) {
      canvas.setPointerCapture(ev.pointerId);
      pointers.set(ev.pointerId, local(ev));
      if (pointers.size === 1) drag = { start: local(ev), last: local(ev), moved: false };
      else if (pointers.size === 2) {
        var pts = Array.from(pointers.values());
        pinch = { dist: Math.hypot(pts[0][0] - pts[1][0], pts[0][1] - pts[1][1]) };
        drag = null;
      }
    });
    canvas.addEventListener("pointermove", function (ev) {
      var p = local(ev);
      if (pointers.has(ev.pointerId)) pointers.set(ev.pointerId, p);
      if (pinch && pointers.size === 2) {
        var pts = Array.from(pointers.values());
        var dist = Math.hypot(pts[0][0] - pts[1][0], pts[0][1] - pts[1][1]);
        self.lastInput = performance.now();
        self.zoomAt(dist / (pinch.dist || dist), (pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2);
        pinch.dist = dist;
        return;
      }
      if (drag) {
        if (Math.abs(p[0] - drag.start[0]) + Math.abs(p[1] - drag.start[1]) > 4) drag.moved = true;
        if (drag.moved) { self.panBy(p[0] - drag.last[0], p[1] - drag.last[1]); self.tooltip.hidden = true; }
        drag.last = p;
        return;
      }
      self.hover(p);
    });
    function end(ev) {
      var p = local(ev);
      pointers.delete(ev.pointerId);
      if (pointers.size < 2) pinch = null;
      if (drag && !drag.moved && ev.type === "pointerup") {
        var node = self.nodeAt(p[0], p[1]);
        if (node >= 0) self.emit("node", node);
        else {
          var edge = self.edgeAt(p[0], p[1]);
          self.emit(edge >= 0 ? "edge" : "background", edge);
        }
      }
      drag = null;
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", function () { self.tooltip.hidden = true; });
    canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = local(ev);
      self.lastInput = performance.now();
      self.zoomAt(Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0015)), p[0], p[1]);
    }, { passive: false });
  };

  CanvasGraph.prototype.hover = function (p) {
    var self = this;
    if (this.hoverFrame) return;
    this.hoverFrame = requestAnimationFrame(function () {
      self.hoverFrame = 0;
      var i = self.nodeAt(p[0], p[1]);
      var text = i >= 0 ? self.nodes[i].title : "";
      self.canvas.style.cursor = i >= 0 ? "pointer" : "grab";
      if (!text) { self.tooltip.hidden = true; return; }
      self.tooltip.textContent = text;
      self.tooltip.style.left = Math.min(p[0] + 14, self.width - 260) + "px";
      self.tooltip.style.top = (p[1] + 14) + "px";
      self.tooltip.hidden = false;
    });
  };

  /* ------------------------------------------------------------ state from the page */

  CanvasGraph.prototype.setVisible = function (nodeOn, edgeOn) {
    this.nodeOn.set(nodeOn);
    this.edgeOn.set(edgeOn);
    this.invalidate();
  };
  CanvasGraph.prototype.setPositions = function (indices, xs, ys) {
    for (var t = 0; t < indices.length; t++) { this.X[indices[t]] = xs[t]; this.Y[indices[t]] = ys[t]; }
    this.invalidate();
  };
  CanvasGraph.prototype.png = function () {
    this.cache = null;  // an exact frame, not a zoom in progress
    this.render();
    return this.canvas.toDataURL("image/png");
  };

  root.CanvasGraph = CanvasGraph;
})(window);

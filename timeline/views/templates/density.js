// The page of a large timeline (timeline/views/render/density.py): the density overview
// drawn from the figure first, then the event table is inflated, and every zoom, search and
// legend click draws again: counts per bin while the view holds more than `above` marks,
// else the events themselves, as a small page draws them (glyphs, styles, hover cards,
// click to the source, related links). Every string from the records goes into Plotly's
// text escaped (esc), or into the bin card with textContent, never as code.
(function () {
  var id = "DIV_ID";
  var gd = document.getElementById(id);
  var fig = JSON.parse(document.getElementById(id + "-figure").textContent);
  var line = document.getElementById(id + "-mode");
  var d = fig.layout.meta.density;
  var config = {responsive: true, displaylogo: false, scrollZoom: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: {filename: "timeline", scale: 2}};
  var DAY = 86400000;
  var STATUS = ["occurred", "scheduled", "proposed", "postponed", "cancelled"];
  var WORDS = ["occurred", "scheduled (announced or agreed)",
    "proposed (under discussion, not scheduled)", "postponed", "cancelled"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec"];
  var KINDS = ["band", "window", "bar", "fuzzy-point", "point"];
  var legend = fig.data.filter(function (trace) { return trace.meta === "legend"; });
  var links = fig.data.filter(function (trace) { return trace.meta === "links"; })[0] || null;
  var t = null, ev = null, texts = null;
  // The overview's lanes, each `laneRows` tall, to return to from the events' own
  var base = {height: fig.layout.height, range: fig.layout.yaxis.range.slice(),
    ticks: fig.layout.yaxis.tickvals.slice(), shapes: fig.layout.shapes.slice(),
    band: fig.layout.shapes.filter(function (s) { return s.xref === "paper"; })[0] || null};
  var state = {x0: fig.layout.xaxis.range[0], x1: fig.layout.xaxis.range[1], hidden: {},
    links: false, match: null, mode: "density", unit: d.unit, edges: null, shown: null};

  Plotly.newPlot(gd, fig.data, fig.layout, config).then(function () {
    gd.setAttribute("data-mode", "density");
    gd.setAttribute("data-unit", d.unit);
    gd.setAttribute("data-drawn", "true");
    gd.dispatchEvent(new CustomEvent("timeline:drawn"));
    var packed = document.getElementById(id + "-table");
    // Without its table (figure_div of the figure alone) the overview stays as drawn.
    return packed ? inflate(packed.textContent) : null;
  }).then(function (table) {
    if (!table) {
      gd.setAttribute("data-ready", "true");
      gd.dispatchEvent(new CustomEvent("timeline:ready"));
      return;
    }
    t = table;
    gd.layout.meta.table = table;  // where the page's search reads the event table
    ev = prepare(table);
    state.unit = d.unit;
    gd.setAttribute("data-shown", String(select().events));  // what the figure drew
    gd.on("plotly_relayout", zoomed);
    gd.on("plotly_legendclick", legendClick);
    gd.on("plotly_legenddoubleclick", legendDoubleClick);
    gd.on("plotly_click", opened);
    var search = document.getElementById("search");
    if (search) {
      search.addEventListener("input", function () { searched(search.value); });
      if (search.value) searched(search.value);
    }
    binCards();
    gd.setAttribute("data-ready", "true");
    gd.dispatchEvent(new CustomEvent("timeline:ready"));
  });

  function inflate(text) {
    var raw = atob(text.trim()), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }

  // Each event's span (ms, end exclusive; an open end runs to the as-of day), status and
  // whether its date is fuzzy; each mark's event, lane and role (an event is one mark in
  // each of its lanes).
  function prepare(t) {
    var n = t.titles.length, start = new Float64Array(n), end = new Float64Array(n);
    var status = new Uint8Array(n), flags = new Uint8Array(n);
    var markEvent = [], markLane = [], markRole = [];
    for (var k = 0; k < n; k++) {
      start[k] = t.day[k] * DAY;
      end[k] = t.length[k] > 0 ? start[k] + t.length[k] * DAY : Math.max(d.asOf, start[k] + DAY);
      status[k] = parseInt(t.status[k], 32);
      flags[k] = parseInt(t.flags[k], 32);
      var keys = d.groupBy === "type" ? [t.types[k]] : d.groupBy === "status" ? [status[k]]
        : d.groupBy === "actor" ? t.actors[k] : t.tags[k];
      if (!keys.length) {
        markEvent.push(k); markLane.push(d.laneNone); markRole.push(-1);
      }
      for (var j = 0; j < keys.length; j++) {
        markEvent.push(k);
        markLane.push(d.laneOf[keys[j]]);
        markRole.push(d.groupBy === "actor" ? t.roles[k][j] : -1);
      }
    }
    return {start: start, end: end, status: status, flags: flags,
      markEvent: Int32Array.from(markEvent), markLane: Int32Array.from(markLane),
      markRole: Int32Array.from(markRole), seen: new Int32Array(n), stamp: 0};
  }

  function zoomed() {
    var ax = gd._fullLayout.xaxis, range = ax.range.map(ax.r2l);
    if (range[0] === state.x0 && range[1] === state.x1) return;
    state.x0 = range[0];
    state.x1 = range[1];
    draw();
  }

  function legendClick(event) {
    var trace = gd.data[event.curveNumber];
    if (trace.meta === "links") state.links = !state.links;
    else state.hidden[trace.legendgroup] = !state.hidden[trace.legendgroup];
    draw();
    return false;
  }

  function legendDoubleClick(event) {
    var trace = gd.data[event.curveNumber];
    if (trace.meta === "links") return false;
    var only = STATUS.every(function (s) {
      return s === trace.legendgroup ? !state.hidden[s] : state.hidden[s];
    });
    STATUS.forEach(function (s) { state.hidden[s] = !only && s !== trace.legendgroup; });
    draw();
    return false;
  }

  function searched(value) {
    var words = value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) {
      state.match = null;
    } else {
      if (texts === null) {  // as the page's search: title, type, tags, actor ids and names
        var actorWords = t.actorNames.map(function (row) { return row.join(" "); });
        texts = t.titles.map(function (title, k) {
          var parts = [title, t.typeNames[t.types[k]]];
          t.tags[k].forEach(function (i) { parts.push(t.tagNames[i]); });
          t.actors[k].forEach(function (i) { parts.push(actorWords[i]); });
          return parts.join(" ").toLowerCase();
        });
      }
      state.match = new Uint8Array(texts.length);
      for (var k = 0; k < texts.length; k++) {
        var text = texts[k], all = true;
        for (var w = 0; w < words.length && all; w++) all = text.indexOf(words[w]) >= 0;
        state.match[k] = all ? 1 : 0;
      }
    }
    draw();
  }

  // Which marks are in view and kept by the legend and search (`shown`; `every` ignores the
  // search, up to one more than `above`), how many events they are, and so the mode.
  function select() {
    var x0 = state.x0, x1 = state.x1, match = state.match;
    var shown = [], every = [], events = 0, stamp = ++ev.stamp;
    var count = ev.markEvent.length;
    for (var m = 0; m < count; m++) {
      var k = ev.markEvent[m];
      if (ev.end[k] <= x0 || ev.start[k] >= x1 || state.hidden[STATUS[ev.status[k]]]) continue;
      if (every.length <= d.above) every.push(m);
      if (match && !match[k]) continue;
      shown.push(m);
      if (ev.seen[k] !== stamp) { ev.seen[k] = stamp; events++; }
    }
    state.shown = shown;
    state.mode = shown.length > d.above ? "density" : "events";
    state.edges = state.mode === "density" ? edgesOf(x0, x1, unitOf(x0, x1)) : null;
    return {shown: shown, every: every, events: events};
  }

  // Draws the view again: the marks in view that the legend and search keep are counted
  // per bin, or drawn one by one when there are `above` or fewer.
  function draw() {
    var view = select(), data;
    if (state.mode === "density") {
      data = densityTraces(view.shown, state.edges);
    } else {
      // With a search, what does not match is drawn faded, if every mark in view fits.
      var marks = state.match && view.every.length <= d.above ? view.every : view.shown;
      data = eventTraces(marks, state.x0, state.x1);
    }
    var traces = legend.map(function (trace) {
      return Object.assign({}, trace,
        {visible: state.hidden[trace.legendgroup] ? "legendonly" : true});
    }).concat(data.traces);
    if (links) {
      traces.push(Object.assign({}, links, {visible: state.links ? true : "legendonly",
        x: data.links ? data.links[0] : [], y: data.links ? data.links[1] : []}));
    }
    var notes = gd.layout.annotations.slice();
    notes[notes.length - 1] = Object.assign({}, notes[notes.length - 1],
      {text: state.mode === "density" ? densityKey(state.unit) : d.key});
    gd.setAttribute("data-mode", state.mode);
    gd.setAttribute("data-unit", state.mode === "density" ? state.unit : "");
    gd.setAttribute("data-shown", String(view.events));
    say(view.events);
    var lanes = state.mode === "events" ? data.layout : base;
    var layout = Object.assign({}, gd.layout, {annotations: notes, height: lanes.height,
      shapes: lanes.shapes, yaxis: Object.assign({}, gd.layout.yaxis,
        {range: lanes.range, tickvals: lanes.ticks})});
    return Plotly.react(gd, traces, layout)
      .then(function () { gd.dispatchEvent(new CustomEvent("timeline:drawn")); });
  }

  function say(events) {
    var of = events !== t.titles.length ? " of " + t.titles.length.toLocaleString("en") : "";
    var which = state.match ? " matching the search" : "";
    if (state.mode === "density") {
      line.textContent = "Density by " + state.unit + ": " + events.toLocaleString("en") + of +
        " events" + which + " in view, counted in each lane per " + state.unit +
        " and coloured by status. Zoom in to " + d.above.toLocaleString("en") +
        " or fewer to see each event.";
    } else {
      line.textContent = "Each event: " + events.toLocaleString("en") + of + " events" +
        which + " in view. Hover one for its details; click it to open its source.";
    }
  }

  function densityKey(unit) {
    return "<b>Density by " + unit + "</b>: each lane's events per " + unit +
      ", stacked by status; zoom in to see each event<br>" +
      "an event counts in every " + unit + " its dates overlap    " +
      "<span style='color:#c0392b'>\u2506</span> as-of day";
  }

  // -- bins: the same rules as density.py (bin_unit, bin_edges, bin_counts) --

  function unitOf(x0, x1) {
    var days = (x1 - x0) / DAY;
    for (var i = 0; i < d.units.length; i++) {
      if (days / d.units[i][1] <= d.maxBins) { state.unit = d.units[i][0]; return state.unit; }
    }
    state.unit = "year";
    return "year";
  }

  function utc(year, month, day) {
    var when = new Date(0);
    when.setUTCFullYear(year, month, day);
    return when.getTime();
  }

  function unitStart(ms, unit) {
    var day = Math.floor(ms / DAY), when = new Date(day * DAY);
    if (unit === "year") return utc(when.getUTCFullYear(), 0, 1);
    if (unit === "month") return utc(when.getUTCFullYear(), when.getUTCMonth(), 1);
    if (unit === "week") return (day - (((day + 3) % 7) + 7) % 7) * DAY;  // from Monday
    return day * DAY;
  }

  function nextStart(ms, unit) {
    var when = new Date(ms);
    if (unit === "day") return ms + DAY;
    if (unit === "week") return ms + 7 * DAY;
    if (unit === "month") return utc(when.getUTCFullYear(), when.getUTCMonth() + 1, 1);
    return utc(when.getUTCFullYear() + 1, 0, 1);
  }

  function edgesOf(x0, x1, unit) {
    x0 = Math.min(Math.max(x0, d.first), d.last - DAY);
    x1 = Math.min(Math.max(x1, x0 + 1), d.last);
    var edges = [], at = unitStart(x0, unit);
    while (true) {
      edges.push(at);
      if (at >= x1) break;
      at = nextStart(at, unit);
      if (at > d.last) { edges.push(d.last); break; }
    }
    return edges;
  }

  function binOf(edges, ms) {  // the last edge at or before ms (bisect_right - 1)
    var low = 0, high = edges.length;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (edges[mid] <= ms) low = mid + 1; else high = mid;
    }
    return low - 1;
  }

  function densityTraces(marks, edges) {
    var bins = edges.length - 1, lanes = d.lanes.length, width = STATUS.length;
    var counts = new Int32Array(lanes * bins * width);
    for (var i = 0; i < marks.length; i++) {
      var m = marks[i], k = ev.markEvent[m], base = ev.markLane[m] * bins;
      var first = Math.max(0, binOf(edges, ev.start[k]));
      var last = Math.min(bins - 1, binOf(edges, ev.end[k] - 1));
      for (var b = first; b <= last; b++) counts[(base + b) * width + ev.status[k]]++;
    }
    var fullest = 0;
    for (var c = 0; c < lanes * bins; c++) {
      var sum = 0;
      for (var s = 0; s < width; s++) sum += counts[c * width + s];
      if (sum > fullest) fullest = sum;
    }
    var traces = [];
    if (!fullest) return {traces: traces};
    var scale = d.laneRows * d.fill[0] / fullest, least = d.laneRows * d.fill[1];
    var xs = STATUS.map(function () { return []; }), ys = STATUS.map(function () { return []; });
    for (var lane = 0; lane < lanes; lane++) {
      var floor = d.lanes[lane][1] + 0.5;
      var lower = STATUS.map(function () { return new Float64Array(bins); });
      var upper = STATUS.map(function () { return new Float64Array(bins); });
      var used = STATUS.map(function () { return false; });
      for (b = 0; b < bins; b++) {
        var at = (lane * bins + b) * width, total = 0;
        for (s = 0; s < width; s++) total += counts[at + s];
        var unit = total ? Math.max(total * scale, least) / total : 0, below = 0;
        for (s = 0; s < width; s++) {
          lower[s][b] = floor - below * unit;
          below += counts[at + s];
          upper[s][b] = floor - below * unit;
          if (counts[at + s]) used[s] = true;
        }
      }
      for (s = 0; s < width; s++) {
        if (!used[s]) continue;
        var x = xs[s], y = ys[s];
        for (b = 0; b < bins; b++) { x.push(edges[b], edges[b + 1]); y.push(upper[s][b], upper[s][b]); }
        for (b = bins - 1; b >= 0; b--) { x.push(edges[b + 1], edges[b]); y.push(lower[s][b], lower[s][b]); }
        x.push(NaN);
        y.push(NaN);
      }
    }
    STATUS.forEach(function (name, s) {
      if (!xs[s].length) return;
      traces.push({type: "scatter", x: Float64Array.from(xs[s]), y: Float32Array.from(ys[s]),
        mode: "lines", fill: "toself", fillcolor: d.style.colours[name], opacity: 0.85,
        line: {width: 0}, hoverinfo: "skip", legendgroup: name, showlegend: false, name: name,
        meta: "density"});
    });
    return {traces: traces};
  }

  // -- events: as a small page draws them (timeline/views/render/traces.py) --

  function kindOf(k) {
    if ((ev.flags[k] & 3) === 3) return "window";  // one day somewhere in it
    var fuzzy = (ev.flags[k] & 15) !== 0, day = t.length[k] === 1;
    return day ? (fuzzy ? "fuzzy-point" : "point") : (fuzzy ? "band" : "bar");
  }

  // Rows within each lane: the lowest row whose last mark ends a little (1/80 of the view)
  // before this one starts; lanes one above the other with air between them, and the
  // figure as tall as a small page of as many rows (timeline/views/render/layout.py).
  function rowsOf(marks, x0, x1) {
    var gap = (x1 - x0) / 80, byLane = d.lanes.map(function () { return []; }), rows = {};
    marks.forEach(function (m) { byLane[ev.markLane[m]].push(m); });
    var top = 0, ticks = [], bands = [];
    byLane.forEach(function (list, lane) {
      var ends = [];
      list.sort(function (a, b) {
        var ka = ev.markEvent[a], kb = ev.markEvent[b];
        return ev.start[ka] - ev.start[kb] || ev.end[ka] - ev.end[kb] || ka - kb;
      });
      list.forEach(function (m) {
        var k = ev.markEvent[m], row = 0;
        while (row < ends.length && ends[row] > ev.start[k]) row++;
        ends[row] = ev.end[k] + gap;
        rows[m] = top + row;
      });
      var bottom = top + Math.max(1, ends.length) - 1;
      ticks.push((top + bottom) / 2);
      if (lane % 2 === 0 && base.band) {
        bands.push(Object.assign({}, base.band, {y0: top - 0.5, y1: bottom + 0.5}));
      }
      top = bottom + 1.6;
    });
    var total = top - 0.6, px = Math.max(6, Math.min(22, Math.floor(900 / total)));
    return {rows: rows, ticks: ticks, shapes: base.shapes.slice(0, 2).concat(bands),
      range: [total - 0.2, -0.9], height: Math.min(d.heightCap, Math.max(380, 150 + total * px))};
  }

  // Horizontal bars from each chosen mark's event's start to its end.
  function spanBars(trace, chosen) {
    trace.type = "bar";
    trace.orientation = "h";
    trace.base = chosen.map(function (m) { return ev.start[ev.markEvent[m]]; });
    trace.x = chosen.map(function (m) {
      var k = ev.markEvent[m];
      return ev.end[k] - ev.start[k];
    });
  }

  function eventTraces(marks, x0, x1) {
    var layout = rowsOf(marks, x0, x1), rows = layout.rows, match = state.match;
    var traces = [], where = {};
    STATUS.forEach(function (status, s) {
      var mine = marks.filter(function (m) { return ev.status[ev.markEvent[m]] === s; });
      if (!mine.length) return;
      var colour = d.style.colours[status];
      KINDS.forEach(function (kind) {
        var chosen = mine.filter(function (m) { return kindOf(ev.markEvent[m]) === kind; });
        if (!chosen.length) return;
        var trace = common(chosen, status, rows, match);
        if (kind === "window") {
          // not a span of activity: a faint wash in a full outline, ticks at its bounds
          var pale = d.style.patterns[status];
          traces.push(windowEnds(chosen, status, rows));
          spanBars(trace, chosen);
          trace.width = 0.82;
          trace.marker = {color: rgba(colour, 0.1), line: {color: colour, width: 1.5}};
          if (pale) trace.marker.pattern = {shape: pale, fgcolor: colour, size: 6, solidity: 0.2};
          trace.opacity = 1.0;
        } else if (kind === "bar" || kind === "band") {
          var hollow = status !== "occurred", pattern = d.style.patterns[status];
          spanBars(trace, chosen);
          trace.width = kind === "band" ? 0.82 : 0.56;
          trace.marker = {color: hollow ? "#ffffff" : colour, line: {color: colour, width: 1.5}};
          if (pattern) {
            trace.marker.pattern = {shape: pattern, fgcolor: colour, size: 6, solidity: 0.3};
          }
          trace.opacity = kind === "band" ? 0.38 : 1.0;
        } else {
          trace.type = "scatter";
          trace.mode = "markers";
          trace.x = chosen.map(function (m) { return anchor(ev.markEvent[m]); });
          trace.marker = {symbol: d.style.markers[status], size: 11, color: colour,
            line: {color: colour, width: 2}};
          trace.opacity = kind === "fuzzy-point" ? 0.5 : 1.0;
        }
        chosen.forEach(function (m) {
          var k = ev.markEvent[m];
          if (!(k in where)) where[k] = [anchor(k), rows[m]];
        });
        traces.push(trace);
      });
      var ongoing = mine.filter(function (m) { return t.length[ev.markEvent[m]] === 0; });
      if (ongoing.length) {
        var arrows = common(ongoing, status, rows, match);
        arrows.type = "scatter";
        arrows.mode = "markers";
        arrows.meta = "open";
        arrows.x = ongoing.map(function (m) { return ev.end[ev.markEvent[m]]; });
        arrows.marker = {symbol: "triangle-right", size: 10, color: colour};
        traces.push(arrows);
      }
    });
    return {traces: traces, links: linkLines(where), layout: layout};
  }

  function windowEnds(chosen, status, rows) {
    var x = [], y = [];
    chosen.forEach(function (m) {
      var k = ev.markEvent[m];
      x.push(ev.start[k], ev.end[k]);
      y.push(rows[m], rows[m]);
    });
    return {type: "scatter", mode: "markers", x: x, y: y, hoverinfo: "skip",
      marker: {symbol: "line-ns", size: 24, line: {color: d.style.colours[status], width: 2.5}},
      meta: "window-ends", legendgroup: status, showlegend: false};
  }

  function rgba(colour, alpha) {
    return "rgba(" + [1, 3, 5].map(function (i) { return parseInt(colour.slice(i, i + 2), 16); })
      .join(",") + "," + alpha + ")";
  }

  function common(chosen, status, rows, match) {
    var trace = {legendgroup: status, showlegend: false, name: status, hoverinfo: "text",
      meta: "events",
      y: chosen.map(function (m) { return rows[m]; }),
      customdata: chosen.map(function (m) { return ev.markEvent[m]; }),
      hovertext: chosen.map(function (m) { return card(ev.markEvent[m], ev.markRole[m]); }),
      selected: {marker: {opacity: 1}}, unselected: {marker: {opacity: 0.1}}};
    if (match) {
      trace.selectedpoints = [];
      chosen.forEach(function (m, i) { if (match[ev.markEvent[m]]) trace.selectedpoints.push(i); });
    }
    return trace;
  }

  function anchor(k) { return (ev.start[k] + ev.end[k]) / 2; }

  // The related events' connectors, between two drawn events (lanes by type or status).
  function linkLines(where) {
    if (!links) return null;
    var x = [], y = [];
    Object.keys(where).forEach(function (key) {
      var k = +key, pairs = t.related[k];
      for (var i = 0; i < pairs.length; i += 2) {
        var other = pairs[i + 1];
        if (other < 0 || other === k || !(other in where)) continue;
        x.push(where[k][0], where[other][0], null);
        y.push(where[k][1], where[other][1], null);
      }
    });
    return [x, y];
  }

  // -- the hover card of an event: the small page's (timeline/views/render/text.py) --

  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function shortText(text, limit) {
    if (text.length > limit) text = text.slice(0, limit - 1).replace(/\s+$/, "") + "\u2026";
    return esc(text);
  }

  function wrapped(text, width) {
    var lines = [], current = "";
    text.split(/\s+/).filter(Boolean).forEach(function (word) {
      while (word.length > width) {
        if (current) { lines.push(current); current = ""; }
        lines.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (current && current.length + 1 + word.length > width) { lines.push(current); current = ""; }
      current = current ? current + " " + word : word;
    });
    if (current || !lines.length) lines.push(current);
    return lines.map(esc).join("<br>");
  }

  function rewrapped(pieces) {  // escaped pieces, broken only at ", "
    var out = [], current = "";
    pieces.forEach(function (piece) {
      var candidate = current ? current + ", " + piece : piece;
      if (current && candidate.length > 64) { out.push(current + ","); current = piece; }
      else current = candidate;
    });
    out.push(current);
    return out.join("<br>");
  }

  function sure(flags) {
    var notes = [];
    if ((flags & 3) === 3) notes.push("a window: one day in it, not known which");
    if ((flags & 3) === 1) notes.push("month precision: some time in the month");
    if ((flags & 3) === 2) notes.push("year precision: some time in the year");
    if (flags & 4) notes.push("approximate");
    if (flags & 8) notes.push("uncertain");
    if (flags & 16) notes.push("ongoing, no end known");
    return notes.join("; ");
  }

  function dayLabel(day) {
    var when = new Date(day * DAY), year = String(when.getUTCFullYear());
    return when.getUTCDate() + " " + MONTHS[when.getUTCMonth()] + " " +
      "0000".slice(year.length) + year;
  }

  function card(k, role) {
    var lines = ["<b>" + wrapped(t.titles[k], 64) + "</b>"];
    lines.push(esc(t.labels[k]) + "  \u00b7  " + WORDS[ev.status[k]] + "  \u00b7  " +
      esc(t.typeNames[t.types[k]].replace(/-/g, " ")));
    var note = sure(ev.flags[k]);
    if (note) lines.push("<i>" + esc(note) + "</i>");
    if (role >= 0) lines.push("role in this lane: <b>" + esc(t.roleNames[role]) + "</b>");
    var who = t.actors[k];
    if (who.length) {
      var named = who.slice(0, 8).map(function (a, j) {
        var row = t.actorNames[a];
        return esc(row.length > 1 ? row[1] : row[0]) + " (" + esc(t.roleNames[t.roles[k][j]]) + ")";
      });
      if (who.length > 8) named.push("and " + (who.length - 8) + " more");
      lines.push("<b>who:</b> " + rewrapped(named));
    }
    if (t.place[k] >= 0) lines.push("<b>where:</b> " + esc(t.placeNames[t.place[k]]));
    if (t.tags[k].length) {
      lines.push("<b>tags:</b> " + esc(t.tags[k].map(function (i) { return t.tagNames[i]; })
        .join(", ")));
    }
    if (t.source[k] >= 0) {
      var bits = [t.sourceNames[t.source[k]]];
      if (t.sourceDay[k] >= 0) bits.push(dayLabel(t.sourceDay[k]));
      lines.push("<b>source:</b> " + esc(bits.filter(Boolean).join(", ")));
    }
    var related = t.related[k];
    for (var i = 0; i < related.length && i < 8; i += 2) {
      var other = related[i + 1];
      var name = other >= 0 ? t.titles[other] : t.relatedNames[-1 - other];
      lines.push("<b>" + esc(t.relationNames[related[i]].replace(/-/g, " ")) + ":</b> " +
        shortText(name, 64));
    }
    if (related.length > 8) lines.push("and " + (related.length - 8) / 2 + " more related events");
    if (t.urlDir[k] >= 0) lines.push("<span style='color:#5b6470'>click to open the source</span>");
    return lines.join("<br>");
  }

  function opened(event) {
    var point = event && event.points && event.points[0];
    if (!point || typeof point.customdata !== "number" || !t) return;
    var k = point.customdata;
    if (!(t.urlDir[k] >= 0)) return;
    var url = t.urlDirs[t.urlDir[k]] + t.urlRest[k];
    if (/^https?:\/\//i.test(url)) window.open(url, "_blank", "noopener,noreferrer");
  }

  // -- a bin's card: its counts by status and type and a few titles (textContent only) --

  function binCards() {
    var box = document.createElement("div");
    box.className = "timeline-bin-card";
    box.setAttribute("role", "tooltip");
    box.style.cssText = "position:fixed;display:none;z-index:10;max-width:30rem;" +
      "padding:6px 9px;background:#fff;border:1px solid #aab2bd;border-radius:3px;" +
      "font:12px system-ui,sans-serif;color:#1f2630;pointer-events:none;" +
      "box-shadow:0 1px 4px rgba(0,0,0,.15)";
    document.body.appendChild(box);
    var pending = null, lastEvent = null;  // one card a frame, for the latest position
    gd.addEventListener("mousemove", function (event) {
      lastEvent = event;
      if (pending === null) {
        pending = requestAnimationFrame(function () { pending = null; show(); });
      }
    });
    gd.addEventListener("mouseleave", function () { box.style.display = "none"; });
    function line(parts) {
      var row = document.createElement("div");
      parts.forEach(function (part) {
        var el = document.createElement(part[1] || "span");
        el.textContent = part[0];
        if (part[2]) el.style.color = part[2];
        row.appendChild(el);
      });
      box.appendChild(row);
    }
    function show() {
      var event = lastEvent, spot = state.mode === "density" && spotOf(event);
      if (!spot) { box.style.display = "none"; return; }
      var edges = state.edges, lo = edges[spot.bin], hi = edges[spot.bin + 1];
      var found = [], byStatus = [0, 0, 0, 0, 0], byType = {};
      state.shown.forEach(function (m) {
        var k = ev.markEvent[m];
        if (ev.markLane[m] !== spot.lane || ev.end[k] <= lo || ev.start[k] >= hi) return;
        found.push(k);
        byStatus[ev.status[k]]++;
        var type = t.typeNames[t.types[k]];
        byType[type] = (byType[type] || 0) + 1;
      });
      if (!found.length) { box.style.display = "none"; return; }
      box.textContent = "";
      line([[d.laneNames[spot.lane] + "  \u00b7  " + binLabel(lo, hi), "b"]]);
      line([[found.length.toLocaleString("en") + " " + (found.length === 1 ? "event" : "events") +
        ": " + STATUS.map(function (s, i) {
          return byStatus[i] ? byStatus[i].toLocaleString("en") + " " + s : "";
        }).filter(Boolean).join(", ")]]);
      var types = Object.keys(byType).sort(function (a, b) { return byType[b] - byType[a]; });
      line([["by type: ", "b"], [types.slice(0, 6).map(function (type) {
        return type.replace(/-/g, " ") + " " + byType[type].toLocaleString("en");
      }).join(", ") + (types.length > 6 ? ", \u2026" : "")]]);
      found.sort(function (a, b) { return ev.start[a] - ev.start[b] || a - b; });
      found.slice(0, 5).forEach(function (k) {
        line([[t.labels[k] + "  ", "span", "#5b6470"], [t.titles[k]]]);
      });
      if (found.length > 5) {
        line([["and " + (found.length - 5).toLocaleString("en") + " more; zoom in to see them",
          "i", "#5b6470"]]);
      }
      var x = event.clientX + 14, y = event.clientY + 14;
      box.style.display = "block";
      box.style.left = Math.max(0, Math.min(x, window.innerWidth - box.offsetWidth - 4)) + "px";
      box.style.top = (y + box.offsetHeight > window.innerHeight
        ? Math.max(0, y - box.offsetHeight - 28) : y) + "px";
    }
  }

  // The lane and bin under the mouse, or null.
  function spotOf(event) {
    var area = gd.querySelector(".draglayer .nsewdrag");
    if (!area || !state.edges) return null;
    var box = area.getBoundingClientRect();
    var px = event.clientX - box.left, py = event.clientY - box.top;
    if (px < 0 || py < 0 || px > box.width || py > box.height) return null;
    var x = gd._fullLayout.xaxis.p2l(px), y = gd._fullLayout.yaxis.p2l(py);
    for (var lane = 0; lane < d.lanes.length; lane++) {
      if (y >= d.lanes[lane][0] - 0.5 && y <= d.lanes[lane][1] + 0.5) {
        var bin = binOf(state.edges, x);
        if (bin < 0 || bin >= state.edges.length - 1) return null;
        return {lane: lane, bin: bin};
      }
    }
    return null;
  }

  function binLabel(lo, hi) {
    var day = Math.floor(lo / DAY), when = new Date(lo), year = String(when.getUTCFullYear());
    year = "0000".slice(year.length) + year;
    if (state.unit === "year") return year;
    if (state.unit === "month") return MONTHS[when.getUTCMonth()] + " " + year;
    if (state.unit === "week") return "week of " + dayLabel(day);
    return dayLabel(day);
  }
})();

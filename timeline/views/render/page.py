"""A Plotly figure as an HTML fragment or a whole offline page, byte for byte reproducible.

The figure travels as JSON in a `<script type="application/json">` block (Plotly's JSON
encoder escapes `<`, `>` and `/`), read by a fixed script: no user text is ever part of
script code. A Content-Security-Policy forbids every request, so the page works from a
USB stick and cannot call home even if something slipped through.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import struct
import zlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any, Literal

import orjson
import plotly.graph_objects as go
from jinja2 import Environment
from markupsafe import Markup

from timeline.core.errors import TimelineError
from timeline.core.words import noun
from timeline.views.direction import balance_direction
from timeline.views.policy import CONTENT_SECURITY_POLICY, REFERRER_POLICY
from timeline.views.render.listing import STATUS_GLYPHS, EventRow

_DIV_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_CDN = "https://cdn.plot.ly/plotly-{version}.min.js"

# Runs after plotly.js on a page of 1,500 marks or fewer (larger pages run
# `templates/density.js`): draws the figure read from its JSON block, and opens an event's
# first source (http/https only) in a new tab when the event is clicked. `DIV_ID` is
# replaced by a checked identifier, never by user text.
_FIGURE_SCRIPT = """(function () {
  var id = "DIV_ID";
  var gd = document.getElementById(id);
  var fig = JSON.parse(document.getElementById(id + "-figure").textContent);
  // WebGL canvases at the screen's own pixel density: Plotly's default of 2 makes four
  // times the pixels on an ordinary screen, and software WebGL draws every one of them.
  // Only buttons that help offline: no "Share chart" or any other that sends data out.
  var config = {responsive: true, displaylogo: false, scrollZoom: false,
    modeBarButtons: [["toImage", "zoom2d", "resetScale2d"]],
    toImageButtonOptions: {filename: "timeline", scale: 2},
    plotGlPixelRatio: Math.min(2, Math.max(1, window.devicePixelRatio || 1))};
  Plotly.newPlot(gd, fig.data, fig.layout, config).then(function () {
    gd.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      if (!point || typeof point.customdata !== "number") return;
      var url = ((gd.layout.meta || {}).urls || [])[point.customdata];
      if (typeof url === "string" && /^https?:\\/\\//i.test(url)) {
        window.open(url, "_blank", "noopener,noreferrer");
      }
    });
    gd.setAttribute("data-ready", "true");
    gd.dispatchEvent(new CustomEvent("timeline:ready"));
  });
})();"""


# Runs after the figure's script, on the timeline page and in the report alike: the range
# buttons and legend entries Plotly draws in SVG become keyboard controls (Tab, Enter,
# Space, a visible focus ring), and on narrow screens (phones) the chart gives up its
# wide left margin of titles, which the list of events shows in full. `DIV_ID` as above.
_ACCESS_SCRIPT = """(function () {
  var gd = document.getElementById("DIV_ID");
  var NARROW = 700;
  var wide = null, focused = null;
  function rangeName(text) {
    var m = /^(\\d+)([my])$/.exec(text);
    if (!m) return text === "all" ? "the whole timeline" : text;
    var unit = m[2] === "m" ? "month" : "year";
    return m[1] + " " + unit + (m[1] === "1" ? "" : "s") + " around the as-of day";
  }
  function control(el, key, label, pressed, act) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", label);
    el.setAttribute("data-key", key);
    if (pressed !== null) el.setAttribute("aria-pressed", pressed ? "true" : "false");
    el.onkeydown = function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      focused = key;
      act();
    };
    el.onfocus = function () { focused = key; };
    el.onblur = function () { if (focused === key) focused = null; };
  }
  // Plotly redraws its controls after every change: they get their roles again, and the
  // one that had the focus gets it back.
  function decorate() {
    var keep = focused;
    gd.querySelectorAll(".updatemenu-button").forEach(function (el) {
      var text = (el.textContent || "").trim();
      control(el, "range:" + text, "Show " + rangeName(text), null, function () {
        el.dispatchEvent(new MouseEvent("click", {bubbles: true}));
      });
    });
    gd.querySelectorAll(".legend .traces").forEach(function (el) {
      var cd = el.__data__, trace = cd && cd[0] && cd[0].trace;
      if (!trace || !trace.legendgroup) return;
      var group = trace.legendgroup, on = trace.visible === true;
      var text = (el.textContent || "").trim();
      control(el, "legend:" + group, text + (on ? ": shown" : ": hidden"), on, function () {
        // an overview page keeps its own legend state: it is told of the click instead
        if (gd.listeners && gd.listeners("plotly_legendclick").length) {
          gd.emit("plotly_legendclick", {curveNumber: trace.index, data: gd.data});
        } else {
          toggleGroup(group);
        }
      });
    });
    if (keep) {
      var again = gd.querySelector('[data-key="' + keep.replace(/["\\\\]/g, "") + '"]');
      if (again && document.activeElement !== again) again.focus();
    }
  }
  // What a click on a legend entry does (groupclick "togglegroup"): the group's traces
  // are hidden, or shown again.
  function toggleGroup(group) {
    var indices = [], on = null;
    gd.data.forEach(function (trace, i) {
      if (trace.legendgroup !== group) return;
      if (on === null) on = trace.visible === undefined || trace.visible === true;
      indices.push(i);
    });
    if (indices.length) Plotly.restyle(gd, {visible: on ? "legendonly" : true}, indices);
  }
  // Narrow: no titles on the left (the list has them), the key broken into short lines.
  function fitWidth() {
    var narrow = gd.clientWidth < NARROW;
    if (narrow && wide === null) {
      wide = {"margin.l": gd.layout.margin.l, "margin.b": gd.layout.margin.b,
        "yaxis.showticklabels": true};
      // the title (the page's heading says it) and the legend make way for the buttons
      var menus = gd.layout.updatemenus || [];
      wide["margin.t"] = gd.layout.margin.t;
      wide["title.text"] = (gd.layout.title || {}).text || null;
      wide["legend.x"] = gd.layout.legend.x;
      wide["legend.xanchor"] = gd.layout.legend.xanchor;
      var change = {"margin.l": 12, "yaxis.showticklabels": false, "margin.t": 112,
        "title.text": null, "legend.x": 0, "legend.xanchor": "left"};
      if (menus.length) {
        wide["updatemenus[0].pad.b"] = (menus[0].pad || {}).b;
        change["updatemenus[0].pad.b"] = 64;
      }
      (gd.layout.annotations || []).forEach(function (note, i) {
        if (note.name !== "key") return;
        wide["annotations[" + i + "].text"] = note.text;
        change["annotations[" + i + "].text"] = note.text.split("    ").join("<br>")
          .replace(" (the whole", "<br>(the whole");
        change["margin.b"] = 200;
      });
      Plotly.relayout(gd, change);
    } else if (!narrow && wide !== null) {
      var back = wide;
      wide = null;
      Plotly.relayout(gd, back);
    }
  }
  function start() {
    gd.on("plotly_afterplot", decorate);
    decorate();
    fitWidth();
    window.addEventListener("resize", fitWidth);
    // a printed page is narrower than the screen: the chart is drawn again to fit it
    window.addEventListener("beforeprint", function () { Plotly.Plots.resize(gd); });
    window.addEventListener("afterprint", function () { Plotly.Plots.resize(gd); });
  }
  if (gd.getAttribute("data-ready")) start(); else gd.addEventListener("timeline:ready", start);
})();"""


def typed_array(values: Sequence[float], dtype: Literal["f4", "f8", "i4"]) -> dict[str, str]:
    """Numbers as a plotly.js typed array (little-endian, base64): about 11 bytes a date
    instead of 24 for an ISO string, and no parsing in the browser."""
    code = {"f4": "f", "f8": "d", "i4": "i"}[dtype]
    packed = struct.pack(f"<{len(values)}{code}", *values)
    return {"dtype": dtype, "bdata": base64.b64encode(packed).decode("ascii")}


@cache
def plotly_js() -> str:
    """The plotly.js bundle shipped with the plotly package (about 4.8 MB)."""
    from plotly.offline import get_plotlyjs

    text: str = get_plotlyjs()
    return text


def figure_json(fig: Any) -> str:
    """The figure as compact JSON, with the standard-library engine so the bytes are the
    same on every machine (orjson, when installed, writes floats differently)."""
    from plotly.io.json import to_json_plotly

    text: str = to_json_plotly(fig.to_plotly_json(), engine="json")
    return text


def pack_table(table: dict[str, Any]) -> str:
    """A large page's event table as the page carries it: JSON, deflated (zlib format,
    so the same table gives the same bytes with the same zlib), in base64.

    Titles and labels repeat words, so deflate takes the table to about a quarter of its
    size, and base64 only brings back a third: at 100,000 events about 33 bytes an event
    instead of 117. Level 5: level 9 saves 3 bytes an event more and takes ten times as
    long (1.6 s against 0.16 s).
    """
    # orjson: four times as quick as json here, and the same bytes (the table holds only
    # strings and integers, which both write alike; floats are where they differ)
    data = orjson.dumps(table)
    return base64.b64encode(zlib.compress(data, 5)).decode("ascii")


def unpack_table(text: str) -> dict[str, Any]:
    """The table `pack_table` packed (for tests and tools)."""
    table: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(text)))
    return table


def pack_table_soon(table: dict[str, Any]) -> Future[str]:
    """`pack_table` on a second thread. zlib lets go of the interpreter while it deflates
    (0.17 s at 100,000 events), so the rest of the page is built meanwhile."""
    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(pack_table, table)
    finally:
        pool.shutdown(wait=False)  # the thread ends once the table is packed


def figure_div(
    fig: Any,
    *,
    div_id: str = "timeline",
    include_plotlyjs: bool | str = True,
    table: dict[str, Any] | Future[str] | None = None,
    summary: str = "",
) -> str:
    """The figure as an HTML fragment (a div and its scripts), deterministic for its input.

    `include_plotlyjs`: True embeds plotly.js (offline), False leaves it to the page,
    "cdn" links plotly's CDN (needs the network). `table`: a large page's event table
    (`timeline_plot`), carried packed beside the figure, or that table being packed
    (`pack_table_soon`, `Plot.packed`). `summary`: the chart in words (`Plot.summary`),
    written before it and named as its description.
    """
    if not _DIV_ID.fullmatch(div_id):
        raise ValueError(f"div_id {div_id!r} must be letters, digits, '-' or '_'")
    packed = pack_table_soon(table) if isinstance(table, dict) else table
    overview = _overview(fig)
    parts = [] if overview is None else [_mode_line(div_id, overview)]
    described = ""
    if summary:
        described = f' aria-describedby="{div_id}-summary"'
        parts.append(f'<p id="{div_id}-summary" class="timeline-summary">{escape(summary)}</p>')
    parts += [
        f'<div id="{div_id}" class="timeline-plot" role="group" aria-label="Timeline chart"'
        f"{described}></div>",
        f'<script type="application/json" id="{div_id}-figure">{figure_json(fig)}</script>',
    ]
    if packed is not None:  # base64 only: nothing in it can end the script block
        parts.append(
            f'<script type="application/x-deflate-base64" id="{div_id}-table">'
            f"{packed.result()}</script>"
        )
    if include_plotlyjs is True:
        parts.append(f"<script>{plotly_js()}</script>")
    elif include_plotlyjs == "cdn":
        from plotly import __version__

        parts.append(f'<script src="{_CDN.format(version=__version__)}"></script>')
    elif include_plotlyjs is not False:
        raise ValueError("include_plotlyjs must be True, False or 'cdn'")
    script = _FIGURE_SCRIPT if overview is None else density_script()
    parts.append(f"<script>{script.replace('DIV_ID', div_id)}</script>")
    parts.append(f"<script>{_ACCESS_SCRIPT.replace('DIV_ID', div_id)}</script>")
    return "\n".join(parts)


def _overview(fig: Any) -> dict[str, Any] | None:
    """The density overview's settings if `fig` is one (`timeline.views.render.density`)."""
    meta = fig.layout.meta
    found = meta.get("density") if isinstance(meta, dict) else None
    return found if isinstance(found, dict) else None


def _mode_line(div_id: str, overview: dict[str, Any]) -> str:
    """The line above an overview that says what it shows (the page rewrites it on zoom)."""
    return (
        f'<p id="{div_id}-mode" class="timeline-mode" aria-live="polite" style="margin:0.4rem '
        f'1.5rem 0;color:#3d4654;font-size:0.92rem">{escape(overview["line"])}</p>'
    )


@cache
def density_script() -> str:
    """The script of overview pages (`timeline/views/templates/density.js`)."""
    return files("timeline.views").joinpath("templates/density.js").read_text(encoding="utf-8")


@cache
def _template() -> Any:
    text = (
        files("timeline.views").joinpath("templates/timeline.html.j2").read_text(encoding="utf-8")
    )
    env = Environment(autoescape=True, keep_trailing_newline=True)
    env.globals["noun"] = noun
    env.globals["glyphs"] = STATUS_GLYPHS
    return env.from_string(text)


def page_html(
    fig: Any,
    *,
    title: str,
    shown: int,
    total: int,
    span: str,
    as_of: str,
    group_by: str,
    table: dict[str, Any] | Future[str] | None = None,
    known_on: tuple[str, str] | None = None,
    replay: str | None = None,
    rows: Sequence[EventRow] | None = None,
    summary: str = "",
) -> str:
    """The whole page: header, search box, the list of events, the figure and plotly.js,
    in one file; with `known_on` (the day, and the commit read), the header names the
    commit. `rows`: the list's rows as HTML (small pages); without them the page builds a
    page of rows at a time from its event table."""
    html: str = _template().render(
        csp=Markup(CONTENT_SECURITY_POLICY),
        referrer=REFERRER_POLICY,
        rows=rows,
        title=balance_direction(title),
        shown=shown,
        total=total,
        span=span,
        as_of=as_of,
        group_by=group_by,
        known_on=known_on[0] if known_on else None,
        known_commit=known_on[1] if known_on else None,
        replay=Markup(replay) if replay else None,
        figure=Markup(figure_div(fig, div_id="timeline", table=table, summary=summary)),
    )
    return html


class ImageError(TimelineError):
    """A static image could not be made (kaleido or a Chromium missing); message ready."""


def figure_image(fig: go.Figure, fmt: Literal["png", "svg", "pdf"]) -> bytes:
    """The figure as a PNG, SVG or PDF, through kaleido and a Chromium."""
    try:
        import kaleido  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        raise ImageError('images need kaleido: pip install "timeline[images]"') from None
    import plotly.io as pio

    still = go.Figure(fig)
    still.layout.updatemenus = ()  # buttons do nothing on paper
    # kaleido's browser driver logs tracebacks for messages it ignores; they are noise here.
    quiet = [logging.getLogger(name) for name in ("choreographer", "kaleido", "logistro")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        data: bytes = pio.to_image(
            still,
            format=fmt,
            width=1400,
            height=still.layout.height,
            scale=2 if fmt == "png" else 1,
        )
    except Exception as error:  # kaleido raises plain exceptions, e.g. when no browser is found
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        detail = lines[0] if lines else type(error).__name__
        raise ImageError(
            f"could not draw the image with kaleido ({detail}); it needs Chrome or Chromium: "
            "apt-get install chromium, or point BROWSER_PATH at one"
        ) from None
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return data

// 统计: draw each table's chart with ECharts (vendored, offline). The tables stay the source of truth.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var font = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var palette = ["#9b1c1c", "#1d4ed8", "#047857", "#b45309", "#6d28d9", "#0e7490", "#be185d", "#4a4a4a"];
  function option(kind, data) {
    var heads = data.heads, rows = data.rows;
    var base = { color: palette, textStyle: { fontFamily: font }, tooltip: { trigger: kind === "pie" ? "item" : "axis" },
                 legend: { top: 0 }, grid: { left: 48, right: 24, top: 48, bottom: 32 }, animation: false };
    if (kind === "pie") {
      base.series = [{ type: "pie", radius: ["35%", "65%"], data: rows.map(function (r) { return { name: r[0], value: r[1] }; }) }];
      return base;
    }
    base.xAxis = { type: "category", data: rows.map(function (r) { return r[0]; }) };
    base.yAxis = { type: "value" };
    base.series = heads.slice(1).map(function (name, i) {
      var s = { name: name, type: kind === "line" && i > 0 ? "line" : "bar", data: rows.map(function (r) { return r[i + 1]; }) };
      if (kind === "stack") { s.stack = "all"; }
      return s;
    });
    return base;
  }
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var data = JSON.parse(document.getElementById("data-" + box.dataset.chart).textContent);
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption(option(box.dataset.kind, data));
    box.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());

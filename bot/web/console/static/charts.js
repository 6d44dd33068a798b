// 统计: draw each table's chart with ECharts (vendored, offline). The tables stay the source of truth.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var font = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var palette = ["#9b1c1c", "#1d4ed8", "#047857", "#b45309", "#6d28d9", "#0e7490", "#be185d", "#4a4a4a"];
  function option(kind, data) {
    var rows = data.rows;
    if (!rows.length) { return null; }
    var base = { color: palette, textStyle: { fontFamily: font }, tooltip: { trigger: kind === "pie" ? "item" : "axis" },
                 legend: { top: 0 }, grid: { left: 56, right: 56, top: 48, bottom: 32 }, animation: false };
    if (kind === "pie") {
      var slices = rows.filter(function (r) { return r[1] > 0; });
      if (!slices.length) { return null; }
      base.series = [{ type: "pie", radius: ["35%", "65%"], data: slices.map(function (r) { return { name: r[0], value: r[1] }; }) }];
      return base;
    }
    base.xAxis = { type: "category", data: rows.map(function (r) { return r[0]; }) };
    base.yAxis = [{ type: "value", name: data.units[0] }];
    if (data.right.length) { base.yAxis.push({ type: "value", name: data.units[1], splitLine: { show: false } }); }
    function series(column, axis) {
      var s = { name: data.heads[column], yAxisIndex: axis, connectNulls: true,
                type: kind === "line" || axis === 1 ? "line" : "bar", barMaxWidth: 48,
                data: rows.map(function (r) { return r[column]; }) };
      if (kind === "stack") { s.stack = "all"; }
      return s;
    }
    base.series = data.left.map(function (c) { return series(c, 0); })
      .concat(data.right.map(function (c) { return series(c, 1); }));
    return base;
  }
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var data = JSON.parse(document.getElementById("data-" + box.dataset.chart).textContent);
    var chosen = option(box.dataset.kind, data);
    if (!chosen) { box.classList.add("empty"); box.dataset.drawn = "0"; return; }
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption(chosen);
    box.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());

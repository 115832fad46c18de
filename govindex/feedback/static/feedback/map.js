/* The public map of answered reports: an ECharts scatter on longitude/latitude axes (no tiles). */
(function () {
  "use strict";
  var element = document.getElementById("feedback-map");
  var source = document.getElementById("feedback-map-data");
  if (!element || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(element, null, { renderer: "canvas" });
  var series = data.series.map(function (s) {
    return {
      name: s.name, type: "scatter", symbolSize: 6, large: s.points.length > 2000,
      data: s.points, encode: { x: 0, y: 1 }, emphasis: { focus: "series" }
    };
  });
  if (data.areas && data.areas.length) {
    series.unshift({
      name: data.areas_label, type: "scatter", symbolSize: 4, silent: false,
      itemStyle: { color: "#8c959f", opacity: 0.6 }, data: data.areas, z: 1
    });
  }
  chart.setOption({
    animation: false,
    legend: { type: "scroll", top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 45 },
    tooltip: {
      trigger: "item",
      formatter: function (p) { return p.seriesName + "<br>" + (p.value[2] || "") + " (" + p.value[1] + ", " + p.value[0] + ")"; }
    },
    xAxis: { type: "value", name: "lon", min: 105.25, max: 106.05, scale: true, splitLine: { lineStyle: { opacity: 0.3 } } },
    yAxis: { type: "value", name: "lat", min: 20.55, max: 21.42, scale: true, splitLine: { lineStyle: { opacity: 0.3 } } },
    dataZoom: [{ type: "inside", xAxisIndex: 0, filterMode: "none" }, { type: "inside", yAxisIndex: 0, filterMode: "none" }],
    series: series
  });
  chart.on("click", function (p) {
    if (p.value && p.value.length > 3 && p.value[2]) {
      window.location.href = data.case_url.replace("CODE", encodeURIComponent(p.value[2]));
    }
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

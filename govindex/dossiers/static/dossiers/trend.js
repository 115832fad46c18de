// The unit page's trend chart (ECharts, vendored). Data: the json_script "rt-trend-data".
(function () {
  var element = document.getElementById("rt-trend");
  var source = document.getElementById("rt-trend-data");
  if (!element || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(element);
  function line(key) {
    return { name: data.labels[key], type: "line", data: data[key], connectNulls: false, symbolSize: 6 };
  }
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", min: 0, max: 100 },
    series: [line("score"), line("on_time"), line("online")]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

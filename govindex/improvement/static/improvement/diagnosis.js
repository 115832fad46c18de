/* The diagnosis page's chart: the criteria with the most points at stake, as horizontal bars
 * (ECharts, vendored). Data: the json_script named by the chart's data-diagnosis-chart attribute.
 * Numbers are formatted for the page's language; a click on a bar goes to the criterion's row.
 */
(function () {
  "use strict";

  var STATUS_COLOURS = { achieved: "#1e6b3a", partly: "#8a5a00", not_achieved: "#a4161a", missing: "#5b6470" };
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
  var INK = "#1b1f24";
  var MUTED = "#5b6470";
  var LABEL_WIDTH = 300;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (character) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[character];
    });
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-diagnosis-chart"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var language = document.documentElement.lang || "vi";
    var two = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var items = data.items;
    element.style.height = Math.max(200, items.length * 30 + 60) + "px";
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT, color: INK },
      grid: { top: 30, left: LABEL_WIDTH + 16, right: 56, bottom: 8 },
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          var item = items[params.dataIndex];
          return escapeHtml(item.area + ". " + item.name) + "<br>" + escapeHtml(data.labels.stake) + ": <b>" +
            two.format(item.stake) + "</b><br>" + escapeHtml(data.labels.points) + ": " +
            (item.points === null ? "–" : two.format(item.points)) + " / " + two.format(item.max);
        }
      },
      xAxis: {
        type: "value", position: "top", name: data.labels.stake, nameLocation: "middle", nameGap: 22,
        axisLabel: { color: MUTED, formatter: function (value) { return two.format(value); } }
      },
      yAxis: {
        type: "category", inverse: true, data: items.map(function (item) { return item.area + ". " + item.name; }),
        axisLabel: { width: LABEL_WIDTH, overflow: "truncate", color: INK, fontSize: 12 }, axisTick: { show: false }
      },
      series: [{
        type: "bar", barCategoryGap: "30%",
        data: items.map(function (item) {
          return { value: item.stake, itemStyle: { color: STATUS_COLOURS[item.status] || MUTED } };
        }),
        label: { show: true, position: "right", color: INK, formatter: function (params) { return two.format(params.value); } }
      }]
    });
    chart.on("click", function (params) {
      var item = items[params.dataIndex];
      if (item) { window.location.hash = item.anchor; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-diagnosis-chart]"), draw);
  });
})();

/* GovIndex dashboards: draws the ECharts charts of a page from the JSON its template embeds.
 *
 * A chart is a <div data-chart="ID"> whose data is in <script type="application/json" id="ID">
 * (Django's json_script). The data's "kind" picks the builder below. Numbers are formatted for
 * the page's language (Intl.NumberFormat on <html lang>); every clickable item carries its URL.
 * Charts are drawn on load and again after an htmx swap (the round picker), and follow resizes.
 */
(function () {
  "use strict";

  var language = document.documentElement.lang || "vi";
  var twoDecimals = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var oneDecimal = new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var whole = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
  var INK = "#1b1f24";
  var MUTED = "#5b6470";
  var LINE = "#d8dde3";
  /* ColorBrewer RdYlBu (colour-blind safe), low → high; dark text stays readable on every step. */
  var SHARE_COLOURS = ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090", "#ffffbf", "#e0f3f8",
    "#abd9e9", "#74add1", "#4575b4", "#313695"];
  var LABEL_WIDTH = 230;
  var charts = [];

  function number(value) {
    return value === null || value === undefined ? "–" : twoDecimals.format(value);
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (character) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[character];
    });
  }

  function axisFloor(values) {
    var present = values.filter(function (value) { return value !== null && value !== undefined; });
    if (!present.length) { return 0; }
    return Math.max(0, Math.floor((Math.min.apply(null, present) - 2) / 10) * 10);
  }

  /* The colour the heat map's scale gives a value (linear between the stops, as ECharts does). */
  function shareColour(value, minimum, maximum) {
    var t = maximum > minimum ? (value - minimum) / (maximum - minimum) : 1;
    t = Math.min(1, Math.max(0, t)) * (SHARE_COLOURS.length - 1);
    var low = Math.floor(t), high = Math.min(SHARE_COLOURS.length - 1, low + 1), f = t - low;
    var a = hexRgb(SHARE_COLOURS[low]), b = hexRgb(SHARE_COLOURS[high]);
    return [0, 1, 2].map(function (i) { return a[i] + (b[i] - a[i]) * f; });
  }

  function hexRgb(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  /* Dark or white text, whichever contrasts more with the cell (WCAG relative luminance). */
  function readableOn(rgb) {
    var l = luminance(rgb);
    return (l + 0.05) / 0.0635 >= 1.05 / (l + 0.05) ? INK : "#ffffff";
  }

  function ranking(data) {
    var items = data.items;
    var names = items.map(function (item) { return item.name; });
    var series = data.bands.map(function (band) {
      return {
        name: band.name,
        type: "bar",
        barGap: "-100%",
        barCategoryGap: "25%",
        itemStyle: { color: band.colour },
        data: items.map(function (item) {
          return item.band === band.id ? { value: item.score, item: item } : null;
        })
      };
    });
    var unclassified = items.filter(function (item) { return !item.band; });
    if (unclassified.length) {
      series.push({
        name: data.labels.unclassified, type: "bar", barGap: "-100%", itemStyle: { color: "#8a939e" },
        data: items.map(function (item) { return item.band ? null : { value: item.score, item: item }; })
      });
    }
    return {
      height: Math.max(260, items.length * 18 + 90),
      option: {
        textStyle: { fontFamily: FONT, color: INK },
        legend: { top: 0, left: 0, textStyle: { color: INK } },
        grid: { top: 70, left: LABEL_WIDTH + 16, right: 40, bottom: 16 },
        tooltip: {
          trigger: "item",
          formatter: function (params) {
            var item = params.data.item;
            return escapeHtml(item.rank + ". " + item.name) + "<br>" + escapeHtml(data.labels.score) +
              ": <b>" + number(item.score) + "</b> · " + escapeHtml(params.seriesName);
          }
        },
        xAxis: {
          type: "value", position: "top", min: axisFloor(items.map(function (i) { return i.score; })), max: 100,
          name: data.labels.score, nameLocation: "middle", nameGap: 26,
          axisLabel: { formatter: function (value) { return whole.format(value); }, color: MUTED },
          splitLine: { lineStyle: { color: LINE } }
        },
        yAxis: {
          type: "category", inverse: true, data: names,
          axisLabel: { width: LABEL_WIDTH, overflow: "truncate", color: INK, fontSize: 11 },
          axisTick: { show: false }
        },
        series: series
      },
      urlOf: function (params) { return params.data && params.data.item ? params.data.item.url : null; }
    };
  }

  /* Each unit's official rank (a dot) on the bar of ranks that 90 % of the draws give it. */
  function rankInterval(data) {
    var items = data.items;
    return {
      height: Math.max(260, items.length * 18 + 90),
      option: {
        textStyle: { fontFamily: FONT, color: INK },
        legend: { top: 0, left: 0, textStyle: { color: INK }, data: [data.labels.interval, data.labels.rank] },
        grid: { top: 70, left: LABEL_WIDTH + 16, right: 40, bottom: 16 },
        tooltip: {
          trigger: "item",
          formatter: function (params) {
            var item = items[params.dataIndex];
            return escapeHtml(item.rank + ". " + item.name) + "<br>" + escapeHtml(data.labels.interval) +
              ": <b>" + item.low + "–" + item.high + "</b><br>" + escapeHtml(data.labels.median) + ": " + item.median;
          }
        },
        xAxis: {
          type: "value", position: "top", min: 0.5, max: data.ranked + 0.5, minInterval: 1,
          name: data.labels.axis, nameLocation: "middle", nameGap: 26,
          axisLabel: {
            color: MUTED,
            formatter: function (value) { return value === Math.round(value) ? whole.format(value) : ""; }
          },
          splitLine: { lineStyle: { color: LINE } }
        },
        yAxis: {
          type: "category", inverse: true, data: items.map(function (item) { return item.name; }),
          axisLabel: { width: LABEL_WIDTH, overflow: "truncate", color: INK, fontSize: 11 },
          axisTick: { show: false }
        },
        series: [
          {
            name: data.labels.interval, type: "custom", itemStyle: { color: "#8fb3da" },
            encode: { x: [0, 1], y: 2 },
            data: items.map(function (item, index) { return [item.low, item.high, index]; }),
            renderItem: function (params, api) {
              var start = api.coord([api.value(0) - 0.4, api.value(2)]);
              var end = api.coord([api.value(1) + 0.4, api.value(2)]);
              var thickness = api.size([0, 1])[1] * 0.55;
              return {
                type: "rect",
                shape: { x: start[0], y: start[1] - thickness / 2, width: end[0] - start[0], height: thickness },
                style: api.style()
              };
            }
          },
          {
            name: data.labels.rank, type: "scatter", symbolSize: 8, itemStyle: { color: INK }, z: 3,
            data: items.map(function (item, index) { return [item.rank, index]; })
          }
        ]
      },
      urlOf: function (params) { return items[params.dataIndex] ? items[params.dataIndex].url : null; }
    };
  }

  function heatmap(data) {
    var cells = data.cells.map(function (cell) {
      var background = shareColour(cell[2], data.minimum, data.maximum);
      return { value: cell, label: { color: readableOn(background) } };
    });
    return {
      height: Math.max(280, data.units.length * 22 + 130),
      option: {
        textStyle: { fontFamily: FONT, color: INK },
        grid: { top: 72, left: LABEL_WIDTH + 16, right: 16, bottom: 8 },
        tooltip: {
          formatter: function (params) {
            var area = data.areas[params.value[0]];
            return escapeHtml(data.units[params.value[1]]) + "<br>" + escapeHtml(area.label + " " + area.name) +
              "<br>" + escapeHtml(data.labels.share) + ": <b>" + oneDecimal.format(params.value[2]) + "</b>";
          }
        },
        visualMap: {
          min: data.minimum, max: data.maximum, calculable: true, orient: "horizontal", left: "center", top: 0,
          itemWidth: 14, itemHeight: 280, textStyle: { color: INK }, inRange: { color: SHARE_COLOURS },
          formatter: function (value) { return whole.format(value) + " %"; }
        },
        xAxis: {
          type: "category", position: "top", data: data.areas.map(function (area) { return area.label; }),
          axisLabel: { color: INK, fontWeight: "bold" }, splitArea: { show: false }, axisTick: { show: false }
        },
        yAxis: {
          type: "category", inverse: true, data: data.units,
          axisLabel: { width: LABEL_WIDTH, overflow: "truncate", color: INK, fontSize: 11 }, axisTick: { show: false }
        },
        series: [{
          name: data.labels.share, type: "heatmap", data: cells,
          label: { show: true, fontSize: 10, formatter: function (params) { return whole.format(params.value[2]); } },
          itemStyle: { borderColor: "#ffffff", borderWidth: 1 },
          emphasis: { itemStyle: { borderColor: INK, borderWidth: 2 } }
        }]
      },
      urlOf: function (params) {
        return data.urls[params.value[1]] + "#node-" + data.areas[params.value[0]].id;
      }
    };
  }

  function scorecard(data) {
    var areas = data.areas;
    return {
      height: 320,
      option: {
        textStyle: { fontFamily: FONT, color: INK },
        legend: { top: 0, textStyle: { color: INK } },
        grid: { top: 40, left: 8, right: 16, bottom: 8, containLabel: true },
        tooltip: {
          trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (params) {
            var area = areas[params[0].dataIndex];
            return escapeHtml(area.label + " " + area.name) + params.map(function (p) {
              return "<br>" + p.marker + escapeHtml(p.seriesName) + ": <b>" + oneDecimal.format(p.value) + "</b>";
            }).join("");
          }
        },
        xAxis: { type: "category", data: areas.map(function (a) { return a.label; }), axisLabel: { color: INK } },
        yAxis: {
          type: "value", min: 0, max: 100, name: data.labels.share, nameTextStyle: { color: MUTED, align: "left" },
          axisLabel: { formatter: function (value) { return whole.format(value); }, color: MUTED },
          splitLine: { lineStyle: { color: LINE } }
        },
        series: [
          { name: data.labels.unit, type: "bar", itemStyle: { color: "#1f4f8a" },
            data: areas.map(function (a) { return a.share; }) },
          { name: data.labels.median, type: "bar", itemStyle: { color: "#b3bac3" },
            data: areas.map(function (a) { return a.median; }) }
        ]
      },
      urlOf: function (params) { return areas[params.dataIndex].url; }
    };
  }

  function lineSeries(name, values, style) {
    return Object.assign({
      name: name, type: "line", data: values, connectNulls: false, symbolSize: 8,
      label: { show: false }
    }, style);
  }

  function unitTrend(data) {
    var series = data.series.map(function (item, position) {
      return lineSeries(item.name, item.points.map(function (point) {
        return point === null ? null : { value: point.score, point: point };
      }), {
        lineStyle: { width: 3, type: item.predecessor ? "dashed" : "solid" },
        symbol: item.predecessor ? "diamond" : "circle",
        z: 3, color: item.predecessor ? ["#8a5a00", "#5b2a86", "#a4161a", "#1e6b3a"][position % 4] : "#1f4f8a",
        label: { show: true, position: "top", formatter: function (p) { return number(p.value); } }
      });
    });
    series.push(lineSeries(data.labels.mean, data.mean, { color: "#6b7480", lineStyle: { type: "dotted", width: 2 }, symbol: "emptyCircle", symbolSize: 5 }));
    series.push(lineSeries(data.labels.median, data.median, { color: "#9aa2ad", lineStyle: { type: "dotted", width: 2 }, symbol: "emptyRect", symbolSize: 5 }));
    var all = [].concat(data.mean, data.median);
    data.series.forEach(function (item) { item.points.forEach(function (p) { if (p) { all.push(p.score); } }); });
    return {
      height: 380,
      option: {
        textStyle: { fontFamily: FONT, color: INK },
        legend: { bottom: 0, textStyle: { color: INK } },
        grid: { top: 36, left: 8, right: 24, bottom: 64, containLabel: true },
        tooltip: {
          trigger: "item",
          formatter: function (params) {
            var text = escapeHtml(params.seriesName) + "<br>" + escapeHtml(params.name) + ": <b>" + number(params.value) + "</b>";
            if (params.data && params.data.point && params.data.point.rank) {
              text += "<br>" + escapeHtml(data.labels.rank) + ": " + params.data.point.rank + "/" + params.data.point.ranked;
            }
            return text;
          }
        },
        xAxis: { type: "category", data: data.periods, boundaryGap: true, axisLabel: { color: INK } },
        yAxis: {
          type: "value", min: axisFloor(all), max: 100, name: data.labels.score, nameTextStyle: { color: MUTED, align: "left" },
          axisLabel: { formatter: function (value) { return whole.format(value); }, color: MUTED },
          splitLine: { lineStyle: { color: LINE } }
        },
        series: series
      },
      urlOf: function (params) { return params.data && params.data.point ? params.data.point.url : null; }
    };
  }

  function cityTrend(data) {
    var series = [
      lineSeries(data.labels.mean, data.mean, { color: "#1f4f8a", lineStyle: { width: 3 },
        label: { show: true, position: "top", formatter: function (p) { return number(p.value); } } }),
      lineSeries(data.labels.median, data.median, { color: "#1e6b3a", lineStyle: { width: 2, type: "dashed" } }),
      lineSeries(data.labels.highest, data.highest, { color: "#6b7480", lineStyle: { width: 1, type: "dotted" }, symbol: "triangle" }),
      lineSeries(data.labels.lowest, data.lowest, { color: "#a4161a", lineStyle: { width: 1, type: "dotted" }, symbol: "triangle", symbolRotate: 180 })
    ];
    return {
      height: 380,
      option: {
        textStyle: { fontFamily: FONT, color: INK },
        legend: { bottom: 0, textStyle: { color: INK } },
        grid: { top: 36, left: 8, right: 24, bottom: 64, containLabel: true },
        tooltip: {
          trigger: "axis",
          formatter: function (params) {
            return escapeHtml(params[0].name) + params.map(function (p) {
              return "<br>" + p.marker + escapeHtml(p.seriesName) + ": <b>" + number(p.value) + "</b>";
            }).join("");
          }
        },
        xAxis: { type: "category", data: data.periods, axisLabel: { color: INK } },
        yAxis: {
          type: "value", min: axisFloor(data.lowest), max: 100, name: data.labels.score, nameTextStyle: { color: MUTED, align: "left" },
          axisLabel: { formatter: function (value) { return whole.format(value); }, color: MUTED },
          splitLine: { lineStyle: { color: LINE } }
        },
        series: series
      },
      urlOf: function (params) { return data.urls[params.dataIndex]; }
    };
  }

  var builders = { ranking: ranking, rank_interval: rankInterval, heatmap: heatmap, scorecard: scorecard, unit_trend: unitTrend, city_trend: cityTrend };

  function draw(element) {
    if (element.getAttribute("data-chart-drawn") === "yes" || !window.echarts) { return; }
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var built = builders[data.kind](data);
    element.style.height = built.height + "px";
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(built.option);
    chart.on("click", function (params) {
      var url = built.urlOf(params);
      if (url) { window.location.assign(url); }
    });
    element.setAttribute("data-chart-drawn", "yes");
    charts.push(chart);
  }

  function drawAll(root) {
    charts = charts.filter(function (chart) {
      if (document.body.contains(chart.getDom())) { return true; }
      chart.dispose();
      return false;
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-chart]"), draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function () { drawAll(document); });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();

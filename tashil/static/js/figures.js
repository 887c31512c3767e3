// Draws the figures pages' charts. Each <canvas data-figure-chart="ID"> names a JSON block (Django's
// json_script, so no inline script) describing one chart:
//   { type: "line" | "bar" | "doughnut", labels: [...],
//     datasets: [{ label, data: [...], color } | { label, data, colors: [...] }],
//     horizontal, stacked, compact (short tick numbers), max, target: { label, value, color } }
// The numbers themselves are in the table under each chart; the chart only draws them.
(function () {
  "use strict";

  var persian = document.documentElement.lang.indexOf("fa") === 0;
  var locale = persian ? "fa-IR" : "en-US";
  var numbers = new Intl.NumberFormat(locale);
  var compactNumbers = new Intl.NumberFormat(locale, { notation: "compact" });

  function dataset(spec, type) {
    var found = {
      label: spec.label,
      data: spec.data,
      borderWidth: type === "line" ? 2 : 1,
    };
    if (spec.colors) {
      found.backgroundColor = spec.colors;
      found.borderColor = type === "doughnut" ? "#fff" : spec.colors;
    } else {
      found.backgroundColor = type === "line" ? spec.color + "1a" : spec.color;
      found.borderColor = spec.color;
    }
    if (type === "line") {
      found.fill = true;
      found.tension = 0.2;
    }
    return found;
  }

  function config(data, font) {
    var type = data.type;
    var datasets = data.datasets.map(function (spec) { return dataset(spec, type); });
    if (data.target) {
      datasets.push({
        label: data.target.label,
        data: data.labels.map(function () { return data.target.value; }),
        borderColor: data.target.color,
        backgroundColor: data.target.color,
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false,
      });
    }
    var format = data.compact ? compactNumbers : numbers;
    var tooltipValue = function (item) {
      var value = type === "bar" && data.horizontal ? item.parsed.x : item.parsed.y;
      if (type === "doughnut") value = item.parsed;
      return item.dataset.label + ": " + numbers.format(value);
    };
    var options = {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: locale,
      font: { family: font },
      plugins: {
        legend: { rtl: persian, textDirection: persian ? "rtl" : "ltr", labels: { font: { family: font } } },
        tooltip: {
          rtl: persian,
          textDirection: persian ? "rtl" : "ltr",
          titleFont: { family: font },
          bodyFont: { family: font },
          callbacks: { label: tooltipValue },
        },
      },
    };
    if (type !== "doughnut") {
      var valueAxis = {
        beginAtZero: true,
        stacked: !!data.stacked,
        ticks: {
          font: { family: font },
          precision: 0,
          callback: function (value) { return format.format(value); },
        },
      };
      if (data.max) valueAxis.max = data.max;
      var labelAxis = { stacked: !!data.stacked, ticks: { font: { family: font } } };
      if (data.horizontal) {
        // Bars grow from the right in a right-to-left page; the labels stand on the right.
        valueAxis.reverse = persian;
        labelAxis.position = persian ? "right" : "left";
        options.indexAxis = "y";
        options.scales = { x: valueAxis, y: labelAxis };
      } else {
        // Time and categories run from right to left; the values stand on the right.
        labelAxis.reverse = persian;
        valueAxis.position = persian ? "right" : "left";
        options.scales = { x: labelAxis, y: valueAxis };
      }
    }
    return { type: type, data: { labels: data.labels, datasets: datasets }, options: options };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.figureChart);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (data.horizontal && canvas.parentElement) {
      // A bar per label: the chart grows with them instead of squeezing them.
      canvas.parentElement.style.height = Math.max(220, 34 * data.labels.length + 90) + "px";
    }
    var font = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.font.family = font;
    canvas.chart = new window.Chart(canvas, config(data, font));
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-figure-chart]").forEach(draw);
  });
})();

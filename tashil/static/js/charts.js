// Draws the charts whose data a page left in <script type="application/json"> blocks (Django's
// json_script), so no inline script is needed. A <canvas data-chart="ID"> names its data block.
(function () {
  "use strict";

  function lineChart(canvas, data) {
    var styles = getComputedStyle(document.body);
    var font = styles.fontFamily;
    var datasets = [
      {
        label: data.count_label,
        data: data.counts,
        borderColor: "#0d6efd",
        backgroundColor: "rgba(13, 110, 253, 0.1)",
        fill: true,
        tension: 0.2,
        spanGaps: false,
      },
    ];
    if (data.target !== null && data.target !== undefined) {
      datasets.push({
        label: data.target_label,
        data: data.labels.map(function () { return data.target; }),
        borderColor: "#dc3545",
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false,
      });
    }
    var persian = document.documentElement.lang.indexOf("fa") === 0;
    var numberFormat = new Intl.NumberFormat(persian ? "fa-IR" : "en-US");
    return new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        locale: persian ? "fa-IR" : "en-US",
        plugins: { legend: { rtl: persian, labels: { font: { family: font } } } },
        scales: {
          x: { reverse: persian, ticks: { font: { family: font } } },
          y: {
            beginAtZero: true,
            position: persian ? "right" : "left",
            ticks: { font: { family: font }, callback: function (v) { return numberFormat.format(v); } },
          },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      canvas.chart = lineChart(canvas, JSON.parse(source.textContent));
    });
  });
})();

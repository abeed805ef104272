// Draws the dashboard's charts from the tables beside them: the tables are the data, and what a screen
// reader reads; each chart is an image named for what it shows, pointing to its table. The axes use the
// table's own labels ("Jan 2026"), so the chart and the table say the same thing.
/* global Chart */
const rows = (selector) => Array.from(document.querySelectorAll(selector))

const trend = rows('#trend-table tbody tr')
if (window.Chart && trend.length && document.getElementById('trend-chart')) {
  const series = (name) => trend.map((row) => Number(row.dataset[name]))
  new Chart(document.getElementById('trend-chart'), {
    type: 'line',
    data: {
      labels: trend.map((row) => row.dataset.label),
      datasets: [
        { label: 'Referrals', data: series('referrals'), borderColor: '#1d70b8', backgroundColor: '#1d70b8' },
        { label: 'Started', data: series('started'), borderColor: '#00703c', backgroundColor: '#00703c' },
        { label: 'Completed', data: series('completed'), borderColor: '#505a5f', backgroundColor: '#505a5f' },
        { label: 'Breached', data: series('breached'), borderColor: '#d4351c', backgroundColor: '#d4351c' }
      ]
    },
    options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  })
}

const funnel = rows('#funnel-table tbody tr')
if (window.Chart && funnel.length && document.getElementById('funnel-chart')) {
  new Chart(document.getElementById('funnel-chart'), {
    type: 'bar',
    data: {
      labels: funnel.map((row) => row.dataset.stage),
      datasets: [{ label: funnel[0].closest('table').dataset.unit || 'People', data: funnel.map((row) => Number(row.dataset.value)), backgroundColor: funnel.map((row) => row.dataset.colour || '#1d70b8') }]
    },
    options: { animation: false, indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
  })
}

// Draws the reoffending chart from the table beside it (the table is the data, and what a screen reader reads):
// each group's 95% interval as a floating bar, and its rate as a point on it.
/* global Chart */
const rows = Array.from(document.querySelectorAll('#reoffending-table tbody tr'))
const canvas = document.getElementById('reoffending-chart')
const percent = (value) => (value === '' ? null : Number(value) * 100)
if (window.Chart && rows.length && canvas) {
  new Chart(canvas, {
    data: {
      labels: rows.map((row) => row.dataset.label),
      datasets: [
        { type: 'scatter', label: 'Reoffending rate (%)', data: rows.map((row) => percent(row.dataset.rate)), backgroundColor: '#0b0c0c', pointRadius: 5 },
        { type: 'bar', label: '95% interval', data: rows.map((row) => (row.dataset.low === '' ? null : [percent(row.dataset.low), percent(row.dataset.high)])), backgroundColor: '#5694ca' }
      ]
    },
    options: { animation: false, responsive: true, scales: { x: { type: 'category' }, y: { beginAtZero: true, max: 100, title: { display: true, text: 'Per cent' } } } }
  })
}

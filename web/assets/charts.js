// ECharts (vendored at build time as assets/echarts.min.js, loaded before the modules; never from a CDN).
// Charts draw on canvas; each page's charts are disposed when the page changes.
import {h} from './dom.js';

const live = new Set();
const PALETTE = ['#c23531', '#2f4554', '#61a0a8', '#d48265', '#91c7ae', '#749f83', '#ca8622', '#bda29a',
  '#6e7074', '#546570', '#c4ccd3'];
export const SEVERITY_COLORS = {severe: '#a61b1b', serious: '#e0622a', general: '#e8b923', minor: '#8fb573'};

window.addEventListener('resize', () => live.forEach((c) => c.resize()));

/** Disposes every chart of the previous page. */
export function disposeCharts() {
  live.forEach((c) => c.dispose());
  live.clear();
}

/** A div that will hold a chart; draw() it once it is in the document. */
export function chartBox(id, height = 300) {
  return h('div', {class: 'chart', id, dataset: {height: String(height)}});
}

export function draw(el, option) {
  if (!el.isConnected) return null; // the page changed while it loaded
  if (!window.echarts) {
    el.textContent = '图表组件未加载（assets/echarts.min.js 缺失，请重新构建）。';
    return null;
  }
  el.style.height = `${el.dataset.height || 300}px`;
  const chart = window.echarts.init(el, null, {renderer: 'canvas', locale: 'ZH'});
  chart.setOption({color: PALETTE, textStyle: {fontFamily: 'inherit'}, animation: false, ...option});
  live.add(chart);
  return chart;
}

/** A horizontal bar chart of label → count. */
export function bars(el, entries, {color, name = '数量'} = {}) {
  return draw(el, {
    grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
    tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}},
    xAxis: {type: 'value', minInterval: 1},
    yAxis: {type: 'category', data: entries.map((e) => e[0]), inverse: true},
    series: [{type: 'bar', name, barMaxWidth: 28, data: entries.map((e) => e[1]), itemStyle: color ? {color} : undefined,
      label: {show: true, position: 'right'}}],
  });
}

/** A pie (ring) chart of [label, count, color?]. */
export function ring(el, entries) {
  return draw(el, {
    tooltip: {trigger: 'item', formatter: '{b}：{c}（{d}%）'},
    legend: {bottom: 0},
    series: [{type: 'pie', radius: ['40%', '68%'], center: ['50%', '45%'],
      label: {formatter: '{b}\n{c}'},
      data: entries.map(([name, value, color]) => ({name, value, itemStyle: color ? {color} : undefined}))}],
  });
}

/** A line chart: x labels and series [{name, data}]. */
export function lines(el, x, series, {yName, yMin, yMax, inverse} = {}) {
  return draw(el, {
    tooltip: {trigger: 'axis'},
    legend: {type: 'scroll', bottom: 0},
    grid: {left: 8, right: 24, top: 32, bottom: 40, containLabel: true},
    xAxis: {type: 'category', data: x, boundaryGap: false},
    yAxis: {type: 'value', name: yName, min: yMin, max: yMax, inverse},
    series: series.map((s) => ({type: 'line', name: s.name, data: s.data, connectNulls: false, symbolSize: 6})),
  });
}

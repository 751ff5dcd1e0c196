// DOM for the sections: text only (textContent, never HTML), each number in a cell with its data-figure name.
import { draw } from "./charts.js";
import type { DashboardError } from "./graphql.js";
import { displayed, type Section, type Table } from "./sections.js";

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (text !== undefined) created.textContent = text;
  if (className !== undefined) created.className = className;
  return created;
}

export function renderSections(container: HTMLElement, sections: readonly Section[]): void {
  container.replaceChildren(...sections.map(renderSection));
  // Charts need their element in the document to measure it.
  for (const section of sections) {
    const chart = container.querySelector<HTMLElement>(`[data-chart="${section.id}"]`);
    if (chart !== null && section.chart.points.length > 0) draw(chart, section.chart);
  }
}

function renderSection(section: Section): HTMLElement {
  const card = element("section", undefined, section.table === undefined ? "card" : "card wide");
  card.dataset["section"] = section.id;
  card.append(element("h2", section.title));
  if (section.chart.points.length > 0) {
    const chart = element("div", undefined, "chart");
    chart.dataset["chart"] = section.id;
    chart.setAttribute("role", "img");
    chart.setAttribute("aria-label", section.title);
    card.append(chart);
  } else {
    card.append(element("p", "无数据 No data in this period", "empty"));
  }
  const figures = element("table", undefined, "figures");
  const body = element("tbody");
  for (const figure of section.figures) {
    const row = element("tr");
    const cell = element("td", displayed(figure.value));
    cell.dataset["figure"] = figure.name;
    cell.dataset["value"] = figure.value === null ? "null" : String(figure.value);
    row.append(element("th", figure.label), cell);
    body.append(row);
  }
  figures.append(body);
  card.append(figures);
  if (section.table !== undefined) card.append(renderTable(section.table));
  return card;
}

function renderTable(table: Table): HTMLElement {
  const list = element("table", undefined, "list");
  list.dataset["table"] = table.name;
  const head = element("tr");
  for (const column of table.columns) head.append(element("th", column));
  const body = element("tbody");
  for (const row of table.rows) {
    const tr = element("tr", undefined, row.overdue ? "overdue" : undefined);
    tr.dataset["row"] = row.id;
    for (const cell of row.cells) tr.append(element("td", cell));
    body.append(tr);
  }
  if (table.rows.length === 0) {
    const empty = element("td", "无 none");
    empty.colSpan = table.columns.length;
    const tr = element("tr");
    tr.append(empty);
    body.append(tr);
  }
  list.append(element("thead"), body);
  list.tHead?.append(head);
  return list;
}

/** Shows a refusal as the gateway worded it: Chinese text first, then the English message and the code. */
export function showError(target: HTMLElement, error: DashboardError | undefined): void {
  if (error === undefined) {
    target.hidden = true;
    target.textContent = "";
    delete target.dataset["code"];
    return;
  }
  target.hidden = false;
  target.dataset["code"] = error.code;
  target.textContent = [error.messageZh, error.message, `(${error.code})`].filter((part) => part !== undefined && part !== "").join(" ");
}

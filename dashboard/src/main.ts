// The supervision dashboard (监管看板): sign in (password login or a pasted bearer token), choose the scope and the
// period, and read the figures. What a user may see is decided by the gateway and the services (REGULATOR: their
// jurisdiction or an institution in it; INSTITUTION_ADMIN: their institution); a refusal is shown as worded.
import "./style.css";
import { disposeAll, resizeAll } from "./charts.js";
import { DASHBOARD_QUERY, DELIVERY_QUERY, type RegulatorDeliveryStatus, type Scope, type SupervisionDashboard } from "./contract.js";
import { DashboardError, graphql } from "./graphql.js";
import { beijingDate, daysBefore, periodOf } from "./range.js";
import { renderSections, showError } from "./render.js";
import { dashboardSections, deliverySections, displayed } from "./sections.js";
import { defaultScope, logIn, signOut, token, useToken } from "./session.js";

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const loginPanel = byId<HTMLElement>("login-panel");
const loginForm = byId<HTMLFormElement>("login-form");
const tokenForm = byId<HTMLFormElement>("token-form");
const loginError = byId<HTMLElement>("login-error");
const boardPanel = byId<HTMLElement>("board-panel");
const scopeForm = byId<HTMLFormElement>("scope-form");
const scopeKind = byId<HTMLSelectElement>("scope-kind");
const scopeValue = byId<HTMLInputElement>("scope-value");
const firstDay = byId<HTMLInputElement>("first-day");
const lastDay = byId<HTMLInputElement>("last-day");
const dashboardError = byId<HTMLElement>("dashboard-error");
const deliveryError = byId<HTMLElement>("delivery-error");
const dashboardContainer = byId<HTMLElement>("dashboard-sections");
const deliveryContainer = byId<HTMLElement>("delivery-sections");

function asError(error: unknown): DashboardError {
  return error instanceof DashboardError ? error : new DashboardError("CLIENT_ERROR", error instanceof Error ? error.message : String(error), "页面出错。");
}

function setFigure(name: string, value: string | null): void {
  const cell = document.querySelector<HTMLElement>(`[data-figure="${name}"]`);
  if (cell === null) return;
  cell.textContent = displayed(value);
  cell.dataset["value"] = value ?? "null";
}

function chosenScope(): Scope {
  const value = scopeValue.value.trim();
  if (value === "") throw new DashboardError("SCOPE_REQUIRED", "Enter an institution id or a jurisdiction.", "请填写机构编号或辖区。");
  return scopeKind.value === "jurisdiction" ? { jurisdiction: value } : { institutionId: value };
}

async function load(): Promise<void> {
  document.body.dataset["state"] = "loading";
  disposeAll();
  dashboardContainer.replaceChildren();
  deliveryContainer.replaceChildren();
  for (const name of ["from", "to", "asOf"]) setFigure(name, null);
  const bearer = token();
  let scope: Scope;
  let period: { from: string; to: string };
  try {
    scope = chosenScope();
    period = periodOf(firstDay.value, lastDay.value);
  } catch (error) {
    showError(dashboardError, asError(error));
    showError(deliveryError, undefined);
    document.body.dataset["state"] = "ready";
    return;
  }
  const figures = graphql<{ supervisionDashboard: SupervisionDashboard }>(DASHBOARD_QUERY, { ...scope, ...period }, bearer).then(
    ({ supervisionDashboard: d }) => {
      showError(dashboardError, undefined);
      setFigure("from", d.from);
      setFigure("to", d.to);
      setFigure("asOf", d.asOf);
      renderSections(dashboardContainer, dashboardSections(d));
    },
    (error: unknown) => showError(dashboardError, asError(error)),
  );
  const delivery = graphql<{ regulatorDeliveryStatus: RegulatorDeliveryStatus }>(DELIVERY_QUERY, scope, bearer).then(
    ({ regulatorDeliveryStatus: s }) => {
      showError(deliveryError, undefined);
      renderSections(deliveryContainer, deliverySections(s));
    },
    (error: unknown) => showError(deliveryError, asError(error)),
  );
  await Promise.all([figures, delivery]);
  document.body.dataset["state"] = "ready";
}

function showBoard(): void {
  const bearer = token();
  if (bearer === undefined) return;
  loginPanel.hidden = true;
  boardPanel.hidden = false;
  if (scopeValue.value === "") {
    const scope = defaultScope(bearer);
    if (scope !== undefined) {
      scopeKind.value = "jurisdiction" in scope ? "jurisdiction" : "institution";
      scopeValue.value = "jurisdiction" in scope ? scope.jurisdiction : scope.institutionId;
    }
  }
  void load();
}

function showLogin(): void {
  disposeAll();
  dashboardContainer.replaceChildren();
  deliveryContainer.replaceChildren();
  boardPanel.hidden = true;
  loginPanel.hidden = false;
  scopeValue.value = "";
}

loginForm.addEventListener("submit", (event) => {
  event.preventDefault();
  logIn(byId<HTMLInputElement>("login-name").value, byId<HTMLInputElement>("login-password").value).then(
    () => {
      showError(loginError, undefined);
      loginForm.reset();
      showBoard();
    },
    (error: unknown) => showError(loginError, asError(error)),
  );
});

tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const pasted = byId<HTMLTextAreaElement>("token-input").value.trim();
  if (pasted === "") {
    showError(loginError, new DashboardError("TOKEN_REQUIRED", "Paste a bearer token.", "请粘贴访问令牌。"));
    return;
  }
  useToken(pasted);
  tokenForm.reset();
  showError(loginError, undefined);
  showBoard();
});

scopeForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void load();
});

byId<HTMLButtonElement>("sign-out").addEventListener("click", () => {
  signOut();
  showLogin();
});

window.addEventListener("resize", resizeAll);

const today = beijingDate(new Date());
lastDay.value = today;
firstDay.value = daysBefore(today, 29);
if (token() === undefined) showLogin();
else showBoard();

// reports/kpis_dashboard.txt: the alerts first, then every KPI in short form.
import type { Kpis } from '../kpi/collect-kpis.ts';
import {
  renderAnomalies, renderBasket, renderCategories, renderClv, renderCohorts, renderConversion, renderForecast, renderHeader,
  renderInventory, renderProducts, renderPromotions, renderReturns, renderRfm, renderSalesPeriods, renderStockAlerts, renderSummary,
} from './kpi-sections.ts';
import { renderProductsToPromote, renderRecommendations, renderReturnOutliers, renderStockoutForecast, renderSuspiciousOrders } from './kpi-extension-sections.ts';

export function renderKpiDashboard(k: Kpis): string {
  return [
    renderHeader('KPI DASHBOARD', k),
    renderSummary(k),
    renderAnomalies(k, 20),
    renderStockAlerts(k),
    renderSuspiciousOrders(k, 10),
    renderStockoutForecast(k, 10),
    renderSalesPeriods(k, { weekly: false, dailyRows: 7 }),
    renderForecast(k),
    renderCategories(k),
    renderProducts(k),
    renderInventory(k, 10),
    renderReturns(k, false),
    renderReturnOutliers(k, 10),
    renderConversion(k, false),
    renderPromotions(k),
    renderClv(k, false),
    renderRfm(k),
    renderCohorts(k, 12, 12),
    renderBasket(k, 5),
    renderRecommendations(k, 10),
    renderProductsToPromote(k, 10),
  ].join('\n');
}

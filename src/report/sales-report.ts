// reports/sales_report.txt: every KPI in detail, as readable aligned tables.
import type { Kpis } from '../kpi/collect-kpis.ts';
import {
  renderAnomalies, renderBasket, renderCategories, renderClv, renderCohorts, renderConversion, renderForecast, renderHeader,
  renderInventory, renderProducts, renderPromotions, renderReturns, renderRfm, renderSalesPeriods, renderStockAlerts, renderSummary,
} from './kpi-sections.ts';

export function renderSalesReport(k: Kpis): string {
  return [
    renderHeader('SALES REPORT', k),
    renderSummary(k),
    renderSalesPeriods(k, { weekly: true, dailyRows: 28 }),
    renderCategories(k),
    renderProducts(k),
    renderClv(k, true),
    renderRfm(k),
    renderCohorts(k),
    renderReturns(k, true),
    renderConversion(k, true),
    renderPromotions(k),
    renderBasket(k, k.market_basket.pairs.length),
    renderInventory(k, 50),
    renderStockAlerts(k),
    renderAnomalies(k),
    renderForecast(k),
  ].join('\n');
}

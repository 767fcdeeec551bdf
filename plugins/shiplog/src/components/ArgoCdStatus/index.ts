export { ArgoCdApplicationSummary } from './ArgoCdApplicationSummary';
export { ArgoCdInstanceAlerts } from './ArgoCdInstanceAlerts';

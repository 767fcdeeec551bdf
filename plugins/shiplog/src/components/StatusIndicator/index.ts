export { StatusIndicator, StatusIcon, statusText } from './StatusIndicator';

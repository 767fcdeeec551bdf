export { StatusIndicator } from './StatusIndicator';

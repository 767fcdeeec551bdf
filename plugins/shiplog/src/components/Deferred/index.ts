export { AfterPaint, WhenVisible, useAfterPaint } from './Deferred';
export { LazyTooltip } from './LazyTooltip';

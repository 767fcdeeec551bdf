export { AfterPaint, WhenVisible, useAfterPaint } from './Deferred';

import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The tab's tests render whole MUI pages in jsdom: on a busy CI machine a render takes seconds, so queries
// wait long enough (they return as soon as the text is there) and a test is given minutes, not seconds.
configure({ asyncUtilTimeout: 15_000 });
jest.setTimeout(120_000);

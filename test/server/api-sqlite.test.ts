import { describeApi } from './api-suite.js';

describeApi('SQLite');

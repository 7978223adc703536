'use strict';
// Every page type in normal mode at 1280 px: axe-core, layout, requests, the skip link, and the Nu HTML Checker over the served HTML
// (lib/pages.js).
require('../lib/pages').checkPageTypes('normal', 'desktop');

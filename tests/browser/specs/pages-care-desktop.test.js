'use strict';
// Every page type in care mode at 1280 px: axe-core, layout, requests, the skip link, and the Nu HTML Checker over the served HTML
// (lib/pages.js).
require('../lib/pages').checkPageTypes('care', 'desktop');

'use strict';
// Every page type in normal mode at 360 px: axe-core, layout, requests, the skip link
// (lib/pages.js).
require('../lib/pages').checkPageTypes('normal', '360px');

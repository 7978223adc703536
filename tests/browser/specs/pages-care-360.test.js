'use strict';
// Every page type in care mode at 360 px: axe-core, layout, requests, the skip link
// (lib/pages.js).
require('../lib/pages').checkPageTypes('care', '360px');

// The newsroom's behaviour, all from this file (the pages allow no inline script).
"use strict";

// Read by Bootstrap Italia's bundle as it loads, so this file comes before it.
// video.js (inside the bundle) would add <style> elements to every page, which the CSP refuses;
// the site shows no videos, and its stylesheet already has video.js's rules.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;

// Bootstrap Italia loads its fonts from window.__PUBLIC_PATH__; the path comes from a
// data attribute so that no inline script is needed (the Content-Security-Policy forbids them).
window.__PUBLIC_PATH__ = document.currentScript.dataset.fontsPath;

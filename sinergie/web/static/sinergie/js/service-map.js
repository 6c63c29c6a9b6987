// A small map per location of a service: one marker, no tiles (no external server).
// The address printed next to each map is the same information without JavaScript;
// the map is hidden from assistive technology and takes no keyboard focus.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var elements = document.querySelectorAll(".service-map[data-latitude][data-longitude]");
  Array.prototype.forEach.call(elements, function (element) {
    var latitude = parseFloat(element.dataset.latitude);
    var longitude = parseFloat(element.dataset.longitude);
    if (isNaN(latitude) || isNaN(longitude)) { return; }
    // Sized from script (allowed by the CSP): without JavaScript the empty box takes no room.
    element.style.height = "12rem";
    element.classList.add("mb-2");
    var map = L.map(element, {
      zoomControl: false,
      keyboard: false,
      scrollWheelZoom: false,
      attributionControl: false
    }).setView([latitude, longitude], 15);
    L.marker([latitude, longitude], {
      keyboard: false,
      interactive: false,
      alt: element.dataset.label || ""
    }).addTo(map);
  });
})();

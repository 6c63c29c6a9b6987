// The search page's enhancements. Without JavaScript the page is a plain GET form with a
// list of results; with it: "use my position", a print button, the map of the results
// (Leaflet, local boundary only, no tiles) and, through htmx, results updated in place.
(function () {
  "use strict";

  var map = null;

  function drawMap() {
    var element = document.getElementById("search-map");
    var source = document.getElementById("search-map-data");
    if (map) { map.remove(); map = null; }
    if (!element || !source || typeof L === "undefined") { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (error) { return; }
    if (!data.markers.length && !data.boundary) { return; }
    // Shown only now: Leaflet measures the box when it starts.
    element.classList.add("search-map--ready");
    // A first view before any layer (a circle needs one to be drawn); fitted to the data below.
    map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 }).setView(data.centre || [45.47, 9.19], 11);
    var bounds = L.latLngBounds([]);
    if (data.boundary) {
      map.attributionControl.addAttribution("ISTAT, Openpolis (CC BY 4.0)");
      var area = L.geoJSON(data.boundary, {
        interactive: false,
        style: function () { return { color: "#0066cc", weight: 2, fillColor: "#0066cc", fillOpacity: 0.08 }; }
      }).addTo(map);
      bounds.extend(area.getBounds());
    }
    if (data.centre && data.radius_m) {
      // The area searched: only its outline, so that the markers stay readable.
      L.circle(data.centre, {
        radius: data.radius_m, interactive: false, color: "#5c6f82", weight: 1, dashArray: "4 4", fill: false
      }).addTo(map);
      bounds.extend(L.latLng(data.centre).toBounds(data.radius_m * 2));
    }
    data.markers.forEach(function (marker) {
      var point = [marker.latitude, marker.longitude];
      var box = document.createElement("div");
      var link = document.createElement("a");
      link.href = marker.url;
      link.textContent = marker.name;
      box.appendChild(link);
      if (marker.place) {
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(marker.place));
      }
      L.marker(point, { alt: marker.name, title: marker.name }).bindPopup(box).addTo(map);
      bounds.extend(point);
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 }); }
  }

  function announce() {
    var title = document.getElementById("results-title");
    var announcer = document.getElementById("results-announcer");
    if (announcer) { announcer.textContent = title ? title.dataset.announce || "" : ""; }
  }

  function nearMe() {
    var button = document.getElementById("near-me");
    var form = document.getElementById("search-form");
    if (!button || !form || !("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = document.getElementById("near-me-status");
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        // A position replaces the municipality as the centre of the search.
        form.elements.municipality.value = "";
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }, function () {
        if (status) { status.textContent = button.dataset.error; }
      }, { maximumAge: 600000, timeout: 15000 });
    });
  }

  function printButton() {
    var button = document.getElementById("print-results");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  // Fired on the element that made the request (the form, or a pagination link); the
  // results it replaced are detail.target.
  // Empty filters stay out of the address: shorter links to share, the same search.
  document.addEventListener("htmx:configRequest", function (event) {
    var parameters = event.detail.parameters;
    if (!parameters || typeof parameters.forEach !== "function" || typeof parameters.delete !== "function") { return; }
    var empty = [];
    parameters.forEach(function (value, key) { if (value === "") { empty.push(key); } });
    empty.forEach(function (key) { parameters.delete(key); });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "search-results") {
      drawMap();
      announce();
      // A page link replaced itself: keyboard focus goes to the new page's heading.
      var title = document.getElementById("results-title");
      if (event.detail.boosted && title) {
        title.setAttribute("tabindex", "-1");
        title.focus();
      }
    }
  });

  nearMe();
  printButton();
  drawMap();
})();

// The search page's enhancements. Without JavaScript the page is a plain GET form with a
// list of results; with it: "use my position", a print button, the map of the results
// (Leaflet; numbered markers reachable by keyboard on a base of municipal boundaries from the
// local data, no tiles) and, through htmx, results updated in place.
(function () {
  "use strict";

  var map = null;
  // Below this zoom the whole region shows: municipal boundaries would be a grey blur.
  var BOUNDARIES_MIN_ZOOM = 9;
  // From this zoom the municipalities' names are written on the map (a search of 10 km fits
  // the map at about 10.5).
  var NAMES_MIN_ZOOM = 10.5;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // The base of the map, without any tile server: the municipal boundaries around the view,
  // drawn faintly from the local data (fetched by box, each drawn once), and their names
  // when zoomed in. Hidden from assistive technology: the list says where each result is.
  function baseLayer(target, url) {
    var shapes = L.geoJSON(null, {
      interactive: false,
      style: function () {
        return { className: "search-map__boundary", color: "#8c9fb3", weight: 1, fillColor: "#ffffff", fillOpacity: 0.6 };
      }
    }).addTo(target);
    // The names in a pane of their own: above the boundaries, under the results' markers.
    var pane = target.createPane("placeNames");
    pane.style.zIndex = 450;  // from script: the CSP allows it
    pane.style.pointerEvents = "none";
    var names = L.layerGroup();
    var drawn = {};
    var loaded = [];
    function showNames() {
      if (target.getZoom() >= NAMES_MIN_ZOOM) { names.addTo(target); } else { names.remove(); }
    }
    function load() {
      if (!url || target.getZoom() < BOUNDARIES_MIN_ZOOM) { showNames(); return; }
      var view = target.getBounds();
      if (loaded.some(function (box) { return box.contains(view); })) { showNames(); return; }
      var box = view.pad(0.5);
      loaded.push(box);
      var bbox = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()].map(function (value) {
        return value.toFixed(3);
      }).join(",");
      fetch(url + "?bbox=" + bbox, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { features: [] }; })
        .then(function (data) {
          if (!map || map !== target) { return; }
          data.features.forEach(function (feature) {
            var p = feature.properties;
            if (drawn[p.istat_code]) { return; }
            drawn[p.istat_code] = true;
            shapes.addData(feature);
            var label = element("span", "", p.name);
            label.setAttribute("aria-hidden", "true");
            L.marker(p.label, {
              icon: L.divIcon({ className: "search-map__place", html: label, iconSize: null }),
              interactive: false, keyboard: false, pane: "placeNames"
            }).addTo(names);
          });
          shapes.bringToBack();
          showNames();
        })
        .catch(function () { /* the markers and the list are enough */ });
    }
    target.on("moveend zoomend", load);
    load();
  }

  function drawMap() {
    var container = document.getElementById("search-map");
    var source = document.getElementById("search-map-data");
    if (map) { map.remove(); map = null; }
    if (!container || !source || typeof L === "undefined") { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (error) { return; }
    if (!data.markers.length && !data.boundary) { return; }
    // Shown only now: Leaflet measures the box when it starts.
    container.classList.add("search-map--ready");
    // A first view before any layer (a circle needs one to be drawn); fitted to the data below.
    map = L.map(container, { scrollWheelZoom: false, zoomSnap: 0.25 }).setView(data.centre || [45.47, 9.19], 11);
    map.attributionControl.addAttribution("ISTAT, Openpolis (CC BY 4.0)");
    var bounds = L.latLngBounds([]);
    if (data.boundary) {
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
    // Services at the same address: their markers side by side around it, not one over another.
    var sharing = {};
    data.markers.forEach(function (marker) {
      var key = marker.latitude + "," + marker.longitude;
      sharing[key] = (sharing[key] || 0) + 1;
    });
    var placed = {};
    data.markers.forEach(function (marker) {
      var point = [marker.latitude, marker.longitude];
      var key = marker.latitude + "," + marker.longitude;
      var index = placed[key] = (placed[key] || 0) + 1;
      var anchor = [15, 15];
      if (sharing[key] > 1) {
        var angle = 2 * Math.PI * (index - 1) / sharing[key];
        anchor = [15 - Math.round(18 * Math.cos(angle)), 15 - Math.round(18 * Math.sin(angle))];
      }
      var box = element("div");
      var title = element("strong", "", marker.number + ". ");
      var link = element("a", "", marker.name);
      link.href = marker.url;
      title.appendChild(link);
      box.appendChild(title);
      if (marker.place) {
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(marker.place));
      }
      // Numbered as the list; a button for the keyboard (Tab, then Enter opens the popup).
      var pin = L.marker(point, {
        icon: L.divIcon({
          className: "search-map__marker", html: element("span", "", String(marker.number)), iconSize: [30, 30], iconAnchor: anchor
        }),
        title: marker.name, keyboard: true, riseOnHover: true
      }).bindPopup(box).addTo(map);
      pin.getElement().setAttribute("aria-label", marker.number + ". " + marker.name);
      // The popup's link takes the focus; closing the popup (Escape) gives it back to the marker.
      box.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { pin.closePopup(); }
      });
      pin.on("popupopen", function () { link.focus(); });
      pin.on("popupclose", function () {
        if (!document.activeElement || document.activeElement === document.body || box.contains(document.activeElement)) {
          pin.getElement().focus();
        }
      });
      bounds.extend(point);
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 }); }
    baseLayer(map, container.dataset.boundariesUrl);
  }

  // Filters fold into a disclosure on a phone; from 992 px there is room to show them open.
  function openFiltersOnWideScreens() {
    var filters = document.getElementById("search-filters");
    if (filters && window.matchMedia && window.matchMedia("(min-width: 992px)").matches) { filters.open = true; }
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

  openFiltersOnWideScreens();
  nearMe();
  printButton();
  drawMap();
})();

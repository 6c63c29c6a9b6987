// Draws the alliances' member municipalities on a Leaflet map using the local
// boundaries only (no tile server). The table next to the map carries the same data.
(function () {
  "use strict";
  var element = document.getElementById("alliance-map");
  if (!element || typeof L === "undefined") { return; }
  var palette = ["#0066cc", "#008055", "#cc7a00", "#a61e4d", "#5c2d91", "#00838f", "#6d4c41", "#455a64"];
  var map = L.map(element, { scrollWheelZoom: false, attributionControl: true });
  map.attributionControl.addAttribution("ISTAT, Openpolis (CC BY 4.0)");
  map.setView([45.47, 9.19], 9);
  fetch(element.dataset.geojsonUrl, { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      if (!data.features.length) { return; }
      var layer = L.geoJSON(data, {
        style: function (feature) {
          var colour = palette[feature.properties.colour % palette.length];
          return { color: "#ffffff", weight: 1, fillColor: colour, fillOpacity: 0.65 };
        },
        onEachFeature: function (feature, shape) {
          var p = feature.properties;
          var box = document.createElement("div");
          var strong = document.createElement("strong");
          strong.textContent = p.name;
          var link = document.createElement("a");
          link.href = element.dataset.allianceUrl ? element.dataset.allianceUrl + encodeURIComponent(p.alliance_slug) + "/" : "#";
          link.textContent = p.alliance;
          box.appendChild(strong);
          box.appendChild(document.createElement("br"));
          box.appendChild(link);
          shape.bindPopup(box);
          shape.bindTooltip(p.name + " — " + p.alliance);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    })
    .catch(function () { element.classList.add("alliance-map--failed"); });
})();
